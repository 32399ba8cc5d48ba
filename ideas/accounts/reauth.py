"""Re-authentication for signed actions (SPEC "Signed decisions"): the member's password, again."""
from ideas.accounts.models import User
from ideas.accounts.passwords import check_password
from ideas.audit import record_refusal
from ideas.errors import Invalid

SIGNED_BY = "re-authenticated"  # the password was entered again to sign (the column holds 40)


def reauthenticate(user: User, password: object, meaning: str, entity=None) -> str:
    """The audit meaning of the signature, or Invalid on the password field; a wrong one is audited."""
    if not isinstance(password, str) or not password:
        raise Invalid("Your password: enter it again to sign.", field="password")
    if not check_password(user, password):
        record_refusal("signature.failed", entity=entity, meaning=meaning, actor=user,
                       reason="The password given to sign did not match.")
        raise Invalid("Your password: that is not your password, so nothing was signed or saved.", field="password")
    return f"{meaning}; {SIGNED_BY}"
