"""What happens to an account that others hear of (notifications subscribe).

Receivers run inside the sender's transaction.
"""
from blinker import Namespace

_signals = Namespace()

# sender = the User whose two-step sign-in an administrator reset
two_factor_reset = _signals.signal("two-factor-reset")
