"""The role's questions, one per page: each essential criterion asked as a question, with
the criterion it is scored against shown beside it.

The catalogue writes criteria as statements ("You can work through a problem step by step
until it is solved, for example ..."), which is what reviewers score. Applicants answer a
question, so it is phrased from the statement here rather than kept twice in the catalogue,
where the two wordings could drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

_EXAMPLE = ", for example"


@dataclass(frozen=True)
class Question:
    number: int
    criterion_id: int
    # What the applicant is asked, and a hint drawn from the criterion's own example.
    text: str
    hint: str | None
    # What reviewers score the answer against, word for word.
    criterion: str

    @property
    def field_name(self) -> str:
        return f"answer_{self.criterion_id}"


def phrase(criterion: str) -> tuple[str, str | None]:
    """(the question, a hint) for a criterion written as a statement about the applicant."""
    statement = " ".join(criterion.split()).rstrip(".")
    main, found, example = statement.partition(_EXAMPLE)
    hint = f"For example{example}." if found and example.strip() else None
    if main[:4].lower() == "you ":
        return f"Tell us about a time that shows {main[0].lower()}{main[1:]}.", hint
    # A criterion not written about "you": ask for an example of it as it stands.
    return f"Tell us about a time you showed this: {main}.", hint


def questions_for(criteria) -> list[Question]:
    """The role's essential criteria, in order, as numbered questions."""
    asked = []
    for number, criterion in enumerate(criteria, start=1):
        text, hint = phrase(criterion.text)
        asked.append(Question(number, criterion.id, text, hint, criterion.text))
    return asked
