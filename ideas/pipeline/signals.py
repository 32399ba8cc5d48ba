"""What happens to an idea, announced by the workflow core; features subscribe (the committee's rounds, the
frozen-plan check, notifications) instead of the core calling them.

Each signal's sender is the Idea. Receivers run inside the sender's transaction, after its audit event,
so what they write commits or rolls back with it.
"""
from blinker import Namespace

_signals = Namespace()

# keywords: action, source (Stage), target (Stage), actor (User, or None for the system), inputs (the texts given)
idea_transitioned = _signals.signal("idea-transitioned")
# keywords: actor, changes ({field: (old, new)})
idea_edited = _signals.signal("idea-edited")
# keywords: actor; sent after any save to the idea's review, hazards, pilot plan or measures
review_saved = _signals.signal("review-saved")
# keywords: comment, actor, mentioned (the Users the comment @mentions)
comment_posted = _signals.signal("comment-posted")
# keywords: reason
safety_hold_placed = _signals.signal("safety-hold-placed")
# keywords: actor, reason
safety_hold_cleared = _signals.signal("safety-hold-cleared")
# keywords: actor (who named them), invited (the User invited)
co_author_invited = _signals.signal("co-author-invited")
