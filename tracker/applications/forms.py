"""The application's forms: one per section, plus the declaration, withdrawal and buttons.

Every text field is cleaned and checked by tracker.forms.validators, so bad input gets
a GOV.UK error message rather than reaching the database.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovFileInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from tracker.applications import equality
from tracker.applications.eligibility import Answer, SubjectLevel
from tracker.forms.fields import Choice, GovDateField
from tracker.forms.validators import PersonName, PhoneNumber, Postcode, SafeText, WordLimit

YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_NOT_SURE = [
    (Answer.YES.value, "Yes"),
    (Answer.NO.value, "No"),
    (Answer.NOT_SURE.value, "I'm not sure"),
]
LEVELS = [(level.value, level.label) for level in SubjectLevel]


def _text(label: str, *, required: str | None, max_length: int, **kwargs) -> StringField:
    # SafeText cleans before Optional looks: Optional first would stop on '   ' and keep it.
    safe = SafeText(label=label, max_length=max_length)
    checks = [InputRequired(required), safe] if required else [safe, Optional()]
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[*checks, *kwargs.pop("more", [])],
        **kwargs,
    )


def _save():
    return SubmitField("Save and continue", widget=GovSubmitInput())


# Where applicants heard of the programme: HR's reports count each, to see what works.
HEARD_ABOUT = {
    "school_or_college": "My school, college or university",
    "careers_adviser": "A careers adviser or Jobcentre Plus",
    "find_an_apprenticeship": "Find an apprenticeship (GOV.UK)",
    "council_website": "The council's website",
    "social_media": "Social media",
    "friend_or_family": "A friend or family member",
    "event": "A careers fair or event",
    "other": "Somewhere else",
}


class PersonalDetailsForm(FlaskForm):
    full_name = _text(
        "Full name",
        required="Enter your full name",
        max_length=100,
        more=[PersonName(label="Full name")],
    )
    date_of_birth = GovDateField(
        "Date of birth",
        what="Date of birth",
        not_after_today=True,
        description="For example, 27 3 2007",
    )
    address_line_1 = _text(
        "Address line 1",
        required="Enter address line 1, typically the building and street",
        max_length=100,
    )
    address_line_2 = _text("Address line 2 (optional)", required=None, max_length=100)
    town = _text("Town or city", required="Enter town or city", max_length=60)
    postcode = _text("Postcode", required="Enter your postcode", max_length=10, more=[Postcode()])
    phone = _text(
        "Phone number",
        required="Enter your phone number",
        max_length=20,
        more=[PhoneNumber()],
        description="We will only call you about your application.",
    )
    preferred_contact = Choice(
        "How should we contact you?",
        required="Select how you would like us to contact you",
        choices=[("email", "Email"), ("phone", "Phone call"), ("text", "Text message")],
    )
    heard_about = Choice(
        "How did you hear about these apprenticeships? (optional)",
        required=None,
        choices=list(HEARD_ABOUT.items()),
        description="This helps us reach more people like you. It does not affect your "
        "application.",
    )
    submit = _save()


class EligibilityForm(FlaskForm):
    right_to_work = Choice(
        "Do you have the right to work in the UK?",
        required="Select whether you have the right to work in the UK",
        choices=YES_NO_NOT_SURE,
        description="For example, you are a British or Irish citizen, or you have settled or "
        "pre-settled status.",
    )
    lived_in_uk_or_eea_3_years = Choice(
        "Have you lived in the UK or the European Economic Area for the last 3 years?",
        required="Select whether you have lived in the UK or EEA for the last 3 years",
        choices=YES_NO_NOT_SURE,
    )
    full_time_education = Choice(
        "Will you be in full-time education when the apprenticeship starts?",
        required="Select whether you will be in full-time education",
        choices=YES_NO_NOT_SURE,
        description="For example, at school, sixth form, college or university full time. "
        "If you will have finished by then, answer no.",
    )
    qualification_in_same_subject = Choice(
        "Do you already have a qualification in this subject at the same level or higher?",
        required="Select whether you have a qualification in this subject",
        choices=YES_NO_NOT_SURE,
    )
    lives_in_area = Choice(
        "Do you live in the area?",
        required="Select whether you live in the area",
        choices=YES_NO_NOT_SURE,
    )
    submit = _save()


class QualificationsForm(FlaskForm):
    english_level = Choice(
        "What is your highest English qualification?",
        required="Select your highest English qualification",
        choices=LEVELS,
    )
    maths_level = Choice(
        "What is your highest maths qualification?",
        required="Select your highest maths qualification",
        choices=LEVELS,
    )
    other_qualifications = TextAreaField(
        "Other qualifications (optional)",
        description="For example, GCSEs, A levels, BTECs or courses. Include the grade and "
        "the year.",
        widget=GovTextArea(),
        validators=[
            SafeText(label="Other qualifications", max_length=2000, multiline=True),
            Optional(),
        ],
    )
    submit = _save()


def answer_form(question, *, word_limit: int, data=None, formdata=None) -> FlaskForm:
    """One question of the role's, on a page of its own, answered in up to ``word_limit``
    words. The field keeps the criterion's id in its name: answers are keyed by criterion."""
    number = question.number

    class AnswerForm(FlaskForm):
        submit = _save()

    setattr(
        AnswerForm,
        question.field_name,
        TextAreaField(
            question.text,
            widget=GovCharacterCount(),
            validators=[
                InputRequired(f"Enter your answer to question {number}"),
                SafeText(
                    label=f"Your answer to question {number}", max_length=5000, multiline=True
                ),
                WordLimit(label=f"Your answer to question {number}", limit=word_limit),
            ],
            description=question.hint or "",
        ),
    )
    if formdata is None:
        return AnswerForm(data=data)
    return AnswerForm(formdata=formdata, data=data)


class CvForm(FlaskForm):
    cv = FileField("Upload a file", widget=GovFileInput())
    upload = SubmitField("Upload and continue", widget=GovSubmitInput())
    skip = SubmitField("Continue without a CV", widget=GovSubmitInput())
    remove = SubmitField("Remove this CV", widget=GovSubmitInput())


class AdjustmentsForm(FlaskForm):
    needs_adjustments = Choice(
        "Do you need any adjustments or support for an assessment or interview?",
        required="Select yes if you need adjustments or support",
        choices=YES_NO,
        description="For example, extra time, a sign language interpreter, step-free access, "
        "or questions in advance.",
    )
    adjustments = TextAreaField(
        "What adjustments or support do you need?",
        description="Only the people who arrange your assessment and interview will see this.",
        widget=GovTextArea(),
        validators=[
            SafeText(label="Adjustments", max_length=2000, multiline=True),
            Optional(),
        ],
    )
    submit = _save()

    def validate(self, extra_validators=None) -> bool:
        # A form-level check: Optional() on the text box would stop a field-level one.
        valid = super().validate(extra_validators)
        if valid and self.needs_adjustments.data == "yes" and not self.adjustments.data:
            self.adjustments.errors.append("Enter the adjustments or support you need")
            return False
        return valid


class DisabilityConfidentForm(FlaskForm):
    declares_disability = Choice(
        "Do you consider yourself to have a disability?",
        required="Select whether you consider yourself to have a disability",
        choices=[("yes", "Yes"), ("no", "No"), ("prefer_not_to_say", "Prefer not to say")],
        description="The Equality Act 2010 says you are disabled if you have a physical or "
        "mental impairment that has a substantial and long-term effect on your normal "
        "day-to-day activities.",
    )
    disability_confident = Choice(
        "Do you want to apply under the Disability Confident scheme?",
        required=None,
        choices=YES_NO,
        description="If you have a disability and meet the essential criteria for the role, "
        "we will offer you an interview.",
    )
    submit = _save()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.declares_disability.data == "yes" and not self.disability_confident.data:
            self.disability_confident.errors.append(
                "Select whether you want to apply under the scheme"
            )
            return False
        return valid


def _equality_field(key: str) -> Choice:
    question, options = equality.QUESTIONS[key]
    return Choice(question, required=None, choices=options)


class EqualityForm(FlaskForm):
    sex = _equality_field("sex")
    gender_same_as_birth = _equality_field("gender_same_as_birth")
    sexual_orientation = _equality_field("sexual_orientation")
    ethnicity = _equality_field("ethnicity")
    religion = _equality_field("religion")
    disability = _equality_field("disability")
    care_experienced = _equality_field("care_experienced")
    free_school_meals = _equality_field("free_school_meals")
    submit = _save()
    skip = SubmitField("I do not want to answer these questions", widget=GovSubmitInput())


class DeclarationForm(FlaskForm):
    confirm = BooleanField(
        "I confirm that the information in this application is true and complete",
        widget=GovCheckboxInput(),
        validators=[DataRequired("Confirm that the information is true and complete")],
    )
    submit = SubmitField("Submit application", widget=GovSubmitInput())


WITHDRAWAL_REASONS = [
    ("other_job", "I have accepted another job or apprenticeship"),
    ("education", "I am going into education or training"),
    ("not_for_me", "I no longer want this apprenticeship"),
    ("personal", "Personal reasons"),
    ("other", "Another reason"),
]


class WithdrawForm(FlaskForm):
    reason = Choice(
        "Why are you withdrawing?",
        required="Select why you are withdrawing",
        choices=WITHDRAWAL_REASONS,
    )
    details = TextAreaField(
        "Anything else you want to tell us (optional)",
        widget=GovTextArea(),
        validators=[SafeText(label="Details", max_length=1000, multiline=True), Optional()],
    )
    submit = SubmitField("Withdraw application", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.reason.data == "other" and not self.details.data:
            self.details.errors.append("Tell us your reason for withdrawing")
            return False
        return valid


class OfferResponseForm(FlaskForm):
    response = Choice(
        "Do you accept our offer?",
        required="Select whether you accept the offer",
        choices=[
            ("accept", "Yes, I accept the offer"),
            ("decline", "No, I decline the offer"),
        ],
    )
    # Asked only of someone accepting: declining needs no answer.
    mentor_contact = Choice(
        "Can we give your mentor your email address and phone number?",
        required=None,
        description="Answer this if you accept. Every apprentice has a mentor from the "
        "council or a local employer, who helps you settle in and build your portfolio. If "
        "you say yes, your mentor can contact you before your first day. If you say no, we "
        "will arrange your first meeting with them.",
        choices=[
            ("yes", "Yes, my mentor can have them"),
            ("no", "No, arrange my first meeting for me"),
        ],
    )
    submit = SubmitField("Send my answer", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.response.data == "accept" and not self.mentor_contact.data:
            self.mentor_contact.errors.append(
                "Select yes if we can give your mentor your email address and phone number"
            )
            return False
        return valid

    @property
    def mentor_contact_consent(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.mentor_contact.data or "")


class ButtonForm(FlaskForm):
    """A button and a CSRF token, for actions that change one thing."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class ConfirmDeclineForm(FlaskForm):
    """The last step of declining an offer: a button, since there is nothing left to ask."""

    submit = SubmitField("Yes, decline the offer", widget=GovSubmitInput())
