"""The one exception a service raises when it will not make a change. Pure Python: modules
that import neither Flask nor the database (uploads, the pipeline's states) raise it too."""

from __future__ import annotations


class Refused(ValueError):
    """A change a service will not make, with a message for the person asking and, where one
    form field is at fault, that field's name. Nothing the service did is kept: the view's
    ``tracker.actions.attempt`` rolls back and shows the message beside the field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field
