"""Notifications: an in-app inbox and e-mail through an outbox, for what happens to ideas a person may see."""
