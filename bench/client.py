"""A minimal HTTP user for the load benchmark: cookies, logins, forms read from the pages.

Standard library only (http.client, html.parser). Every request goes to 127.0.0.1 with a
timeout; redirects are not followed (a login or a save answers 302, which is what is checked).
"""

import http.client
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie

REQUEST_TIMEOUT_S = 120


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]
    ms: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def names(self) -> set[str]:
        return {name for name, _value in self.fields}

    def get(self, name: str, default: str = "") -> str:
        return next((value for key, value in self.fields if key == name), default)

    def set(self, name: str, value: str) -> None:
        """Replace every value of `name` by one `value` (added where missing)."""
        kept = [(key, old) for key, old in self.fields if key != name]
        self.fields = [*kept, (name, value)]


class FormParser(HTMLParser):
    """Every <form> of a page with the values a browser would send (submit buttons left out:
    the caller adds the button it presses)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: list | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = Form(attributes.get("action", ""), attributes.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form.fields.append((name, attributes.get("value", default)))
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            # [value (None: the option's text), selected, text]
            self._option = [attributes.get("value"), "selected" in attributes, ""]
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select[1].append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options = self._select
            chosen = [value for value, selected in options if selected] or [
                value for value, _selected in options[:1]
            ]
            self._form.fields.extend((name, value) for value in chosen[:1])
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "".join(self._textarea[1])))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def multipart(data: list[tuple[str, str]], files: list[tuple[str, str, str, bytes]]):
    """(body, content type) of a multipart/form-data request, as a browser sends a form with
    files (RFC 7578)."""
    boundary = f"benxi-{secrets.token_hex(12)}"
    parts = []
    for name, value in data:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + str(value).encode()
            + b"\r\n"
        )
    for name, filename, content_type, content in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class HttpUser:
    """One person's browser: its own cookies, one request at a time."""

    def __init__(self, host: str, port: int, timeout: float = REQUEST_TIMEOUT_S):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the load benchmark only talks to this machine")
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        # When a cookie with a max-age ends (time.monotonic()): the replica's pin, say, which
        # a browser drops after BENXI_REPLICA_PIN_SECONDS.
        self.expires: dict[str, float] = {}
        self.headers: dict[str, str] = {}  # sent with every request (X-Forwarded-For…)

    def copy(self, port: int | None = None) -> "HttpUser":
        """Another browser holding the same session (the same person in another tab), its
        requests sent to `port` when given (another web node of the same site)."""
        other = HttpUser(self.host, self.port if port is None else port, self.timeout)
        other.cookies, other.headers = dict(self.cookies), dict(self.headers)
        other.expires = dict(self.expires)
        return other

    def request(
        self,
        method: str,
        path: str,
        data: list[tuple[str, str]] | None = None,
        files: list[tuple[str, str, str, bytes]] | None = None,
    ):
        """`files`: (field, file name, content type, content) of a multipart/form-data POST."""
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "zh-hans", **self.headers}
        now = time.monotonic()
        for name in [name for name, end in self.expires.items() if end <= now]:
            self.cookies.pop(name, None)
            self.expires.pop(name)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files is not None:
            body, headers["Content-Type"] = multipart(data or [], files)
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if body is not None:
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        elapsed = (time.perf_counter() - start) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
                    self.expires.pop(name, None)
                    if morsel["max-age"].isdigit():
                        self.expires[name] = time.monotonic() + int(morsel["max-age"])
        return Response(response.status, content, dict(response.headers.items()), elapsed)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(
        self,
        path: str,
        data: list[tuple[str, str]],
        files: list[tuple[str, str, str, bytes]] | None = None,
    ) -> Response:
        return self.request("POST", path, data, files)

    def form(self, path: str, having: str) -> Form:
        """The form of the page at `path` that has a field named `having`."""
        page = self.get(path)
        if page.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {page.status}")
        for form in forms_of(page.text):
            if having in form.names():
                return form
        raise RuntimeError(f"GET {path}: no form with a field {having!r}")

    def login(self, username: str, password: str, path: str = "/login/") -> None:
        form = self.form(path, "csrfmiddlewaretoken")
        form.set("username", username)
        form.set("password", password)
        answer = self.post(path, form.fields)
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} refused (HTTP {answer.status})")
