"""The Simplified Chinese catalogue is complete and safe to use.

When a test here fails, update the catalogue and translate what it names:

    .venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=.tools \
        --ignore=node_modules --ignore=static --ignore=staticfiles --ignore=var --ignore=test-results --ignore=tests

then fill every empty ``msgstr`` (and clear any ``#, fuzzy`` flag after checking the guess) in
``locale/zh_Hans/LC_MESSAGES/django.po``. ``make messages`` compiles it.
"""

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# The same patterns as the command in the module docstring: tests hold no user-visible strings.
IGNORE = (".venv", ".tools", "node_modules", "static", "staticfiles", "var", "test-results", "tests")
SOURCE_SUFFIXES = (".py", ".html", ".txt")  # what makemessages reads for the "django" domain

# %(name)s, %(n)d, %s, %.2f …; "%%" is a literal percent sign.
PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}|\{\d*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    locations: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def key(self):
        return self.msgctxt, self.msgid, self.msgid_plural

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and "fuzzy" not in self.flags


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file (obsolete ``#~`` entries left out); the header is the entry with msgid ""."""
    entries: list[Entry] = []
    current, last = Entry(), None

    def finish():
        nonlocal current, last
        if last is not None:
            entries.append(current)
        current, last = Entry(), None

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#:"):
            current.locations.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(last, int):
                current.msgstr[last] += value
            else:
                setattr(current, last, getattr(current, last) + value)
        else:
            keyword, _, value = line.partition(" ")
            if current.msgstr and keyword in ("msgctxt", "msgid"):
                finish()  # a new entry without a blank line before it
            current.line = current.line or number
            value = ast.literal_eval(value)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                last = int(match.group(1))
                current.msgstr[last] = value
            elif keyword == "msgstr":
                last = 0
                current.msgstr[0] = value
            elif keyword in ("msgid", "msgid_plural", "msgctxt"):
                last = keyword
                setattr(current, keyword, value)
            else:
                raise ValueError(f"line {number}: cannot read {raw!r}")
    finish()
    return entries


def read_catalogue(path: Path) -> tuple[dict[str, str], list[Entry]]:
    entries = parse_po(path.read_text(encoding="utf-8"))
    header = next((e for e in entries if e.msgid == "" and e.msgctxt is None), None)
    assert header is not None, f"{path} has no header entry"
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    return fields, [e for e in entries if e is not header]


def placeholders(text: str, flags: set[str]) -> list[str]:
    found = []
    if "python-format" in flags:
        found += [p for p in PERCENT.findall(text) if p != "%%"]
    if "python-brace-format" in flags:
        found += BRACE.findall(text)
    return sorted(found)


def describe(entry: Entry) -> str:
    where = entry.locations[0] if entry.locations else f"line {entry.line}"
    return f"{entry.msgid!r} ({where})"


@pytest.fixture(scope="module")
def catalogue():
    assert CATALOGUE.is_file(), f"{CATALOGUE} is missing; create it with makemessages (see this module)"
    return read_catalogue(CATALOGUE)


def test_the_header_declares_simplified_chinese_in_utf8_with_one_plural_form(catalogue):
    header, entries = catalogue
    assert header.get("Language") == "zh_Hans"
    assert header.get("Content-Type") == "text/plain; charset=UTF-8"
    assert header.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert len(entries) > 500  # the catalogue really was read


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    _, entries = catalogue
    empty = [describe(e) for e in entries if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [describe(e) for e in entries if "fuzzy" in e.flags]
    plural_forms = [describe(e) for e in entries if e.msgid_plural is not None and set(e.msgstr) != {0}]
    assert not empty, f"{len(empty)} entries have no translation:\n" + "\n".join(empty)
    assert not fuzzy, f"{len(fuzzy)} entries are fuzzy (a guess by msgmerge):\n" + "\n".join(fuzzy)
    assert not plural_forms, "Chinese has one plural form, msgstr[0] only:\n" + "\n".join(plural_forms)


def test_translations_keep_every_placeholder_and_nothing_else(catalogue):
    _, entries = catalogue
    wrong = []
    for e in entries:
        expected = placeholders(e.msgid_plural or e.msgid, e.flags)
        allowed = set(expected) | set(placeholders(e.msgid, e.flags))
        for translation in e.msgstr.values():
            found = placeholders(translation, e.flags)
            if sorted(set(expected) - set(found)) or set(found) - allowed:
                wrong.append(f"{describe(e)}: {translation!r} has {found}, expected {expected}")
            elif "python-format" in e.flags and "%" in PERCENT.sub("", translation):
                wrong.append(f"{describe(e)}: {translation!r} has a lone % (write %% for a percent sign)")
    # Text after the placeholder check: HTML tags of the source must survive too.
    for e in entries:
        tags = sorted(re.findall(r"</?[a-zA-Z][^>]*>", e.msgid))
        for translation in e.msgstr.values():
            if tags and sorted(re.findall(r"</?[a-zA-Z][^>]*>", translation)) != tags:
                wrong.append(f"{describe(e)}: {translation!r} changes the HTML {tags}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_msgfmt_accepts_the_catalogue():
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE)],  # noqa: S603, S607
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def _copy_sources(directory: str, names: list[str]) -> list[str]:
    """shutil.copytree ignore-callable: keep only what makemessages would read."""
    skipped = []
    for name in names:
        path = Path(directory) / name
        if any(fnmatchcase(name, pattern) for pattern in IGNORE) or name.startswith(".") or name == "__pycache__" or path.is_file() and path.suffix not in SOURCE_SUFFIXES:
            skipped.append(name)
    return skipped


@pytest.mark.skipif(shutil.which("xgettext") is None or shutil.which("msgmerge") is None,
                    reason="GNU gettext (xgettext, msgmerge) is not installed")
def test_every_string_marked_in_the_code_has_a_translation(catalogue, tmp_path, monkeypatch):
    """makemessages over a copy of the sources, into a temporary catalogue: the real one is never touched."""
    base = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    copy.mkdir()
    for entry in base.iterdir():
        if entry.name == "locale" or _copy_sources(str(base), [entry.name]):
            continue
        if entry.is_dir():
            shutil.copytree(entry, copy / entry.name, ignore=_copy_sources)
        else:
            shutil.copy2(entry, copy / entry.name)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [str(copy / "locale")])
    monkeypatch.chdir(copy)

    call_command("makemessages", locale=["zh_Hans"], ignore_patterns=list(IGNORE), no_obsolete=True, verbosity=0)

    _, extracted = read_catalogue(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert len(extracted) > 500  # the extraction really found the project's strings
    _, entries = catalogue
    translated = {e.key for e in entries if e.translated}
    missing = [describe(e) + (f" [context {e.msgctxt!r}]" if e.msgctxt else "")
               for e in extracted if e.key not in translated]
    assert not missing, (f"{len(missing)} strings in the code have no Chinese translation "
                         f"(see {Path(__file__).name}):\n" + "\n".join(missing))
