"""Required fields are marked without changing their accessible names: an asterisk hidden from screen
readers beside the label (outside it, so the label alone names the field), `required` on the control, and a "* required" legend on forms that have any."""
from html.parser import HTMLParser

from ideas.accounts.models import Role
from tests.conftest import page_token


class Labels(HTMLParser):
    """Each label's text as a screen reader hears it (aria-hidden parts left out), by its `for`."""

    def __init__(self):
        super().__init__()
        self.names, self.controls, self._label, self._hidden = {}, {}, None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self._label = attrs.get("for")
            self.names[self._label] = ""
        elif self._label and attrs.get("aria-hidden") == "true":
            self._hidden += 1
        if tag in ("input", "textarea", "select") and "id" in attrs:
            self.controls[attrs["id"]] = attrs

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None
        elif self._label and self._hidden and tag == "span":
            self._hidden -= 1

    def handle_data(self, data):
        if self._label and not self._hidden:
            self.names[self._label] += data


def parsed(html: str) -> Labels:
    labels = Labels()
    labels.feed(html)
    return labels


def test_a_required_field_shows_an_asterisk_its_accessible_name_leaves_out(client):
    html = client.get("/sign-in").get_data(as_text=True)
    page = parsed(html)
    assert page.names["email"].strip() == "E-mail" and page.names["password"].strip() == "Password"
    assert '</label> <span class="required-mark" aria-hidden="true">*</span>' in html
    assert "required" in page.controls["email"] and "required" in page.controls["password"]
    assert html.count('class="required-legend"') == 1


def test_a_refused_form_keeps_the_marks_and_the_legend(client):
    response = client.post("/sign-in", data={"email": "", "password": "", "csrf_token": page_token(client)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert parsed(html).names["email"].strip() == "E-mail"
    assert html.count('aria-hidden="true">*</span>') == 2 and 'class="required-legend"' in html


def test_a_form_without_required_fields_has_no_legend(client, signed_in):
    signed_in(Role.MENTEE)
    html = client.get("/ideas/new").get_data(as_text=True)
    assert "<form" in html and "required-legend" not in html and "required-mark" not in html
