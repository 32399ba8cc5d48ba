"""A select list rendered once per process for each set of choices, selection and attributes."""
from collections import OrderedDict
from threading import Lock

from markupsafe import Markup
from wtforms.widgets import Select


class RememberedSelect(Select):
    """The board's site, unit and mentor lists (over 100 options) took about a third of the board's
    rendering through WTForms, on every keystroke's request; a repeat here is a dict lookup.

    The key is the choices themselves (read from the database on every request, one cheap statement
    each), the selection and the attributes, so a unit or mentor added, renamed or retired makes a new
    key: nothing to invalidate, nothing stale. The newest KEPT renderings are kept (least recently used
    go first), so memory stays bounded however many selections users make.
    """

    KEPT = 256

    def __init__(self):
        super().__init__()
        self.rendered: OrderedDict[tuple, Markup] = OrderedDict()
        self.lock = Lock()  # a threaded server's requests share the widget

    def __call__(self, field, **kwargs) -> Markup:
        choices = tuple((c.value, str(c.label), c.selected, tuple(sorted((c.render_kw or {}).items())))
                        for c in field._iter_choices_normalized())
        key = (field.id, field.name, choices, tuple(sorted(kwargs.items())))
        with self.lock:
            found = self.rendered.get(key)
            if found is not None:
                self.rendered.move_to_end(key)
                return found
        found = super().__call__(field, **kwargs)
        with self.lock:
            self.rendered[key] = found
            if len(self.rendered) > self.KEPT:
                self.rendered.popitem(last=False)
        return found
