"""What Sverka says to users carries a code and parameters and is worded in their language.

Errors and warnings are raised with a stable code, an English template and parameters
(``tm.messages``); the web app and the command line word them for their user. The catalogue
``tm/locale/ru/LC_MESSAGES/sverka.po`` must have every template in Russian.
"""
from __future__ import annotations

import pickle
import string
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from flask.testing import FlaskClient

from tests.catalogue import RU_PO, Said, sayings
from tm.cli import cli
from tm.errors import NotFoundError, SverkaError
from tm.messages import Message, Plural, cli_language, render, system_error

SAID = list(sayings())


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _catalogue() -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    with open(RU_PO, "rb") as handle:
        catalog = read_po(handle, locale="ru")
    return {m.id: m.string for m in catalog if m.id and not m.fuzzy}


def test_every_message_is_a_code_and_a_template_not_finished_words() -> None:
    problems = [f"{path}:{line}: {what}" for path, line, what in
                (s for s in SAID if isinstance(s, tuple))]
    assert not problems, "\n".join(problems)
    assert len([s for s in SAID if isinstance(s, Said)]) > 150


def test_a_code_means_one_template_everywhere() -> None:
    templates: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
    for said in SAID:
        if isinstance(said, Said):
            templates[said.code].add((said.template, said.plural))
    assert all(code and code == code.lower() and " " not in code for code in templates)
    twice = {code: found for code, found in templates.items() if len(found) > 1}
    assert not twice, twice


def test_every_message_has_a_russian_translation_with_the_same_fields() -> None:
    catalogue = _catalogue()
    missing, broken = [], []
    for said in (s for s in SAID if isinstance(s, Said)):
        msgid = said.template if said.plural is None else (said.template, said.plural)
        russian = catalogue.get(msgid)
        forms = russian if isinstance(russian, tuple) else (russian,)
        if not russian or not all(forms) or (said.plural and len(forms) != 3):
            missing.append(f"{said.path}:{said.line}: {said.template!r}")
            continue
        english = _fields(said.template) | _fields(said.plural or "")
        if any(_fields(form) - english for form in forms) or (
                said.plural is None and _fields(forms[0]) != english):
            broken.append(f"{said.path}:{said.line}: {said.template!r} → {forms!r}")
    assert not missing, f"translate in {RU_PO} (python -m tests.catalogue adds them):\n" + \
        "\n".join(missing)
    assert not broken, "\n".join(broken)


def test_an_error_keeps_its_code_and_parameters_and_says_english_by_default() -> None:
    error = NotFoundError("document-missing", "no document with id {id}", id=9999)
    assert (error.code, error.message.params, str(error)) == (
        "document-missing", {"id": 9999}, "no document with id 9999")
    assert render(error.message, "ru") == "нет документа с id 9999"
    again = pickle.loads(pickle.dumps(error))  # errors cross into the parsing process
    assert type(again) is NotFoundError and again.message == error.message


def test_a_parameter_that_is_a_message_is_worded_in_the_same_language() -> None:
    inner = NotFoundError("document-missing", "no document with id {id}", id=3)
    outer = SverkaError("alignment-invalid", "not an alignment: {reason}", reason=inner)
    assert str(outer) == "not an alignment: no document with id 3"
    assert render(outer.message, "ru") == "это не выравнивание: нет документа с id 3"


@pytest.mark.parametrize("count, english, russian", [
    (1, "1 unit", "1 единицы"), (3, "3 units", "3 единиц"), (21, "21 units", "21 единицы"),
])
def test_counted_words_take_the_plural_form_of_their_language(count: int, english: str,
                                                              russian: str) -> None:
    counted = Plural("page-size-units", "a page holds 1 to {count} unit",
                     "a page holds 1 to {count} units", count=count)
    assert render(counted, "en") == f"a page holds 1 to {english}"
    assert render(counted, "ru") == f"на странице может быть от 1 до {russian}"


def test_the_catalogue_holds_only_what_the_code_says() -> None:
    said = {s.template for s in SAID if isinstance(s, Said)}
    stale = [key for key in _catalogue() if (key[0] if isinstance(key, tuple) else key)
             not in said]
    assert not stale, f"python -m tests.catalogue removes them: {stale}"


def test_an_error_needs_a_code_and_a_template() -> None:
    with pytest.raises(TypeError):
        NotFoundError("no document with id 9")  # type: ignore[call-arg]


def test_a_translation_that_does_not_fit_its_template_gives_the_english(
        monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def ugettext(self, message: str) -> str:
            return "{unknown_field}"

    monkeypatch.setattr("tm.messages.translations", lambda language: Broken())
    assert render(Message("x-missing", "no x {id}", id=1), "ru") == "no x 1"


@pytest.mark.parametrize("environ, language", [
    ({"LANG": "ru_RU.UTF-8"}, "ru"), ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "C"}, "en"),
    ({"LC_ALL": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}, "ru"),
    ({"LANGUAGE": "en:ru", "LANG": "ru_RU.UTF-8"}, "en"),
    ({"LC_MESSAGES": "ru_RU.UTF-8", "LANG": "C"}, "ru"), ({}, "en"),
    ({"SVERKA_LANGUAGE": "ru", "LANG": "C"}, "ru"), ({"LANG": "de_DE.UTF-8"}, "en"),
])
def test_the_command_line_speaks_the_language_gettext_would_choose(
        environ: dict[str, str], language: str) -> None:
    assert cli_language(environ) == language


def test_the_command_line_says_an_error_in_russian_under_a_russian_locale(
        tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--data-dir", str(tmp_path), "show", "9999"]
    russian = runner.invoke(cli, args, env={"LANG": "ru_RU.UTF-8", "LC_ALL": None,
                                            "LANGUAGE": None, "LC_MESSAGES": None})
    english = runner.invoke(cli, args, env={"LANG": "C", "LC_ALL": None, "LANGUAGE": None,
                                            "LC_MESSAGES": None})
    assert russian.exit_code == english.exit_code == 2
    assert "no document with id 9999" in english.output
    assert "нет документа с id 9999" in russian.output, russian.output
    assert len(russian.output.strip().splitlines()) == 1


def test_a_missing_file_is_said_in_the_user_s_language() -> None:
    try:
        open("/no/such/file.txt", encoding="utf-8")
    except OSError as error:
        said = system_error(error)
    assert str(said) == "/no/such/file.txt: no such file or folder"
    assert render(said, "ru") == "/no/such/file.txt: нет такого файла или папки"


def test_the_api_gives_the_code_the_parameters_and_words_in_the_user_s_language(
        client: FlaskClient) -> None:
    answer = client.get("/api/documents/9999", headers={"Accept-Language": "ru"})
    assert answer.status_code == 404
    body = answer.get_json()
    assert (body["error"], body["code"], body["params"]) == (
        "NotFoundError", "document-missing", {"id": 9999})
    assert body["message"] == "нет документа с id 9999"
    english = client.get("/api/documents/9999", headers={"Accept-Language": "en"}).get_json()
    assert english["message"] == "no document with id 9999"


def test_a_page_says_a_library_error_in_russian(client: FlaskClient) -> None:
    client.post("/settings", data={"locale": "ru"})
    page = client.get("/documents/9999").get_data(as_text=True)
    assert "нет документа с id 9999" in page and "no document" not in page


@pytest.mark.parametrize("method, path, status, english", [
    ("get", "/no/such/page", 404, "There is nothing at this address"),
    ("put", "/settings", 405, "This address does not take this kind of request"),
])
def test_werkzeug_s_own_errors_are_said_in_our_words_in_both_languages(
        client: FlaskClient, method: str, path: str, status: int, english: str) -> None:
    page = getattr(client, method)(path, headers={"Accept-Language": "en"})
    assert page.status_code == status and english in page.get_data(as_text=True)
    client.post("/settings", data={"locale": "ru"})
    text = getattr(client, method)(path).get_data(as_text=True)
    assert english not in text and "The requested URL" not in text
    assert "адрес" in text
