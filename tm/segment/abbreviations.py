"""Abbreviation tables (data only).

Keys are lower-case and written without the final period; the parts of a
multi-part abbreviation are joined by a bare period whatever the spacing in
the text ("т. е." and "т.е." are both ``"т.е"``). Three kinds:

* ``PREFIX`` abbreviations stand before what they qualify ("Dr.", "ул.",
  "e.g.") and so never end a sentence.
* ``NUMBERING`` abbreviations stand before a number ("No. 5", "рис. 3").
* ``TERMINAL`` abbreviations may end a sentence ("etc.", "и т. д.", "руб.");
  a capitalised word after them starts a new one.

``PLACE`` abbreviations name a kind of settlement before its name ("пгт.
Ярега", "гг. Москва и Казань") where they do not follow a number ("2022 г.",
"1990-х гг." are years); one lower-case Cyrillic letter ("г.", "с.", "д.") is
taken for one too. (Those that are PREFIX as well, "пос", "дер", "мкр", always join.)
"""
from __future__ import annotations

RU_PREFIX = frozenset("""
    т.е т.к т.н т.о т.ч в.т.ч т.ск т.наз т.обр т.сказ
    им ул пр просп пер пл наб бул пос дер ст-ца мкр мкрн корп кв стр обл.ц
    проф акад доц чл.-корр ген полк подполк ген.-майор майор кап лейт сен
    св тов гр г-н г-жа гг-н дж
    напр см ср ок около англ нем франц фр лат греч рус укр араб итал исп
    букв назв совр соотв прим ред пер.с
    и.о вр.и.о зам зав нач пред пом гл.ред
    о оз р
    ст.л ч.л д.б
    """.split())

RU_NUMBERING = frozenset("""
    рис табл гл ч ст п пп разд прил илл вып т кн стр с сс №
    """.split())

RU_PLACE = frozenset("""
    гг пгт п.г.т рп р.п нп н.п сл
    """.split())

RU_TERMINAL = frozenset("""
    т.д т.п и.т.д и.т.п др пр проч
    г гг в вв н.э до.н.э
    руб коп долл евро млн млрд трлн тыс чел ед шт экз
    кг гр мг км м см мм га л мин сек час ч сут мес нед
    янв фев февр мар апр авг сент сен окт нояб ноя дек
    обл р-н респ макс
    тд тп
    """.split())

EN_PREFIX = frozenset("""
    mr mrs ms messrs mmes mme mlle dr prof rev hon gen col lt maj sgt capt cmdr
    adm gov sen rep pres supt insp
    mt ft st
    e.g i.e cf vs v viz approx ca esp incl
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split())

EN_NUMBERING = frozenset("""
    no nos p pp vol vols fig figs ch chap sec art para pt nr tel ext op
    """.split())

EN_TERMINAL = frozenset("""
    etc al inc ltd co corp llc plc bros jr sr esq
    dept univ assn est
    ave blvd rd sq hwy pct
    a.m p.m ph.d b.a m.a
    mon tue tues wed thu thur thurs fri sat sun
    mins hrs yrs lbs oz
    ala ariz ark calif colo conn fla ga kan ky md mich minn mont neb nev okla pa
    tenn va vt wis wyo
    """.split())

# Names written with an exclamation mark, which then does not end a sentence
# before lower case ("She works at Yahoo! in the accounting department").
EXCLAIMED_NAMES = frozenset("""
    yahoo jeopardy joomla wham yum
    """.split())
