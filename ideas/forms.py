"""Form pieces every feature uses: the base forms that refuse unsafe characters, checkbox lists, choices."""
import re
from collections.abc import Iterable

from flask import request
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from ideas.accounts.models import Site
from ideas.errors import Invalid, Refusal
from ideas.pipeline.numbers import idea_number, typed_number

# Control characters (C0, DEL, C1) and lone surrogates: no database or person needs them, and
# PostgreSQL refuses NUL outright. A text area keeps its tabs and line breaks.
LINE_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
TEXT_AREA_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


CONTROL_NAMES = {"\x00": "NUL", "\t": "tab", "\n": "line break", "\r": "carriage return"}


def _character_name(character: str) -> str:
    """How a message names a control character: "line break, U+000A"."""
    code = f"U+{ord(character):04X}"
    return f"{CONTROL_NAMES[character]}, {code}" if character in CONTROL_NAMES else code


def refuse_unsafe_characters(form, field) -> None:
    """Every field's first check: no control characters (tab and line breaks only in text areas)."""
    unsafe = TEXT_AREA_UNSAFE if isinstance(field, TextAreaField) else LINE_UNSAFE
    for value in getattr(field, "raw_data", None) or []:
        if isinstance(value, str) and (found := unsafe.search(value)):
            raise StopValidation(f"{field.label.text}: remove the invisible control character "
                                 f"({_character_name(found.group())}) and send it again.")


class _ChecksCharacters:
    """Meta that puts `refuse_unsafe_characters` before every field's own validators."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        field.validators = [refuse_unsafe_characters, *field.validators]
        return field


class WebForm(FlaskForm):
    """The base of every form the app renders: CSRF (Flask-WTF) and no control characters.

    A workflow form carries input only (its operation validates it), so its fields flag no `required`; the fields
    the next step refuses without are flagged `needed` instead, from the rule's own list, and templates/_field.html
    marks them. A form whose rule is fixed names them in `needed`; a view marks the others with `mark_needed`.
    """

    needed: tuple[str, ...] = ()  # the fields its rule refuses without
    needed_why = ""  # for what, in words after "needed": "before you send the idea"

    class Meta(_ChecksCharacters, FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            """A form reads posted form fields only: a JSON body, which Flask-WTF would also take, leaves it empty."""
            if formdata is not None and not hasattr(formdata, "getlist") and request.is_json:  # "read the request"
                formdata = request.form
            return super().wrap_formdata(form, formdata)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.needed:
            self.mark_needed(self.needed, self.needed_why)

    def mark_needed(self, names: Iterable[str], why: str) -> "WebForm":
        """Flag these fields as needed `why` ("before you send the idea"): each must be one of the form's."""
        for name in names:
            self[name].flags.needed = True
        self.needed_why = why
        return self

    def refusal(self) -> Invalid:
        """The first field's message as a refusal, for an answer with room for one message."""
        name, messages = next(iter(self.errors.items()))
        return Invalid(messages[0], field=name)


class RowForm(Form):
    """The base of a form repeated inside a WebForm (FormField, FieldList), with the same checks."""

    class Meta(_ChecksCharacters, DefaultMeta):
        pass


class ShowsRefusals:
    def show(self, refusal: Refusal) -> None:
        """Put a refusal next to its field, or above the form."""
        if refusal.field in self and refusal.field not in ("version", "idea_id"):
            self[refusal.field].errors = [*self[refusal.field].errors, refusal.message]
        else:
            self.form_errors.append(refusal.message)


class IdeaNumberField(StringField):
    """An idea typed by its number ("FI-142", or just 142); its data is the idea's id."""

    def process_formdata(self, valuelist):
        text = (valuelist or [""])[0].strip()
        self.data = typed_number(text)
        if text and self.data is None:
            raise ValueError("Enter an idea number, for example FI-142.")

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else idea_number(self.data) if self.data else ""


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def options(empty: str, pairs) -> list[SelectChoice]:
    """A select's choices: an empty one first, then one per (id, label)."""
    return [SelectChoice("", empty), *(SelectChoice(str(value), label) for value, label in pairs)]


def unit_choices(sites: list[Site], empty: str) -> list[SelectChoice]:
    """Every unit, named with its site, after an empty choice."""
    return options(empty, ((unit.id, unit.label) for site in sites for unit in site.units))


def error_summary(form) -> list[tuple[str | None, str]]:
    """Each message a refused form shows, with the id of the field it belongs to (None: the form's own)."""
    found: list[tuple[str | None, str]] = [(None, message) for message in form.form_errors]
    for field in form:
        entries = field if isinstance(field, FieldList) else [field]
        found += [item for entry in entries for item in error_summary_of_field(entry)]
    return found


def error_summary_of_field(field) -> list[tuple[str | None, str]]:
    """A field's messages (a repeated form's, field by field), linked to the field unless it is hidden."""
    if isinstance(field, FormField):
        return [item for sub in field for item in error_summary_of_field(sub)]
    link = None if getattr(field.widget, "input_type", None) == "hidden" else field.id
    label = field.label.text
    return [(link, message if label.lower() in message.lower() else f"{label}: {message}")
            for message in field.errors if isinstance(message, str)]
