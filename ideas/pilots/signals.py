"""What the pilot announces; other parts subscribe (the stop rules, later notifications).

Receivers run inside the sender's transaction, so what they write commits or rolls back with it.
"""
from blinker import Namespace

_signals = Namespace()

# Sent by the pilot's operations after an observation is added, corrected or removed and flushed:
# sender = the Measure, keyword `actor` (the User who acted).
observations_changed = _signals.signal("observations-changed")
