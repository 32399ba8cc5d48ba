"""A person at a browser without the browser: cookies kept, CSRF token read from each page, redirects not followed."""
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    body: str
    headers: dict


class WebUser:
    """One person's cookies against one base URL (which may change: another server behind the proxy)."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url, self.timeout, self.token = base_url, timeout, None
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def get(self, path: str) -> Answer:
        answer = self._open(urllib.request.Request(self.base_url + path))
        if match := CSRF.search(answer.body):
            self.token = match.group(1)
        return answer

    def post(self, path: str, data: dict, page: str | None = None) -> Answer:
        """POST the form (with the CSRF token of `page`, fetched first when given)."""
        if page is not None:
            self.get(page)
        body = urllib.parse.urlencode({**data, "csrf_token": self.token or ""}, doseq=True).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=body, method="POST"))

    def sign_in(self, email: str, password: str) -> Answer:
        return self.post("/sign-in", {"email": email, "password": password}, page="/sign-in")

    def _open(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(errors="replace"), dict(error.headers))
