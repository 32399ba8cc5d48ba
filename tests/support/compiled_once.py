"""What every test's new app would compile again, compiled once per test process.

Each test builds its own app (a fresh database needs one), and each app compiles the same Python twice over:
Werkzeug writes two URL-building functions for each of its ~100 routes (90% of `create_app`'s time), and Jinja
compiles every template a test renders (a fifth of a typical view test's time). Neither result depends on the app:
a URL builder depends on its rule's text and defaults and reads the converters from the rule when called, and a
template's code on its source and the environment's settings, the same in every test app. Like cheap password
hashing, a saving for tests only: the app itself compiles each once, when it starts or first renders.
"""
from jinja2 import BytecodeCache
from werkzeug.routing import Rule

_builders: dict = {}
_compile_builder = Rule._compile_builder


def _remembered_builder(rule: Rule, append_unknown: bool = True):
    key = (rule.rule, rule.subdomain, rule.host, rule.merge_slashes, rule.map.host_matching,
           repr(sorted((rule.defaults or {}).items())), append_unknown)
    if key not in _builders:
        _builders[key] = _compile_builder(rule, append_unknown)
    return _builders[key]


class TemplatesInMemory(BytecodeCache):
    """Jinja's compiled templates kept in this process, by template and source checksum (an edited template
    compiles afresh)."""

    def __init__(self):
        self.codes = {}

    def load_bytecode(self, bucket) -> None:
        bucket.code = self.codes.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket) -> None:
        self.codes[(bucket.key, bucket.checksum)] = bucket.code


TEMPLATES = TemplatesInMemory()


def compile_once() -> None:
    """URL builders shared by every app this process builds; give each app `TEMPLATES` as its bytecode cache."""
    Rule._compile_builder = _remembered_builder
