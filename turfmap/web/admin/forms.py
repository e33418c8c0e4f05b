"""The workspace's forms. Flask-WTF gives each one its CSRF token; the checks on
what was typed live in the coordination layer, shared with the CLI and the API."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, NumberRange, Optional


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class NeedForm(FlaskForm):
    score = DecimalField("Need (0-100)", validators=[DataRequired(), NumberRange(0, 100)])
    reason = StringField("Reason", validators=[DataRequired()])
    expires = DateField("Expires (optional)", validators=[Optional()])
    base_id = HiddenField()


class ContactForm(FlaskForm):
    link = StringField("Web page, email address or phone number (empty to remove)")
    text = StringField("What it is, for volunteers (for example: Email Sam, our organiser)")


class TokenOnly(FlaskForm):
    """Buttons that post nothing but their CSRF token (and maybe a base version)."""

    base_id = HiddenField()


class NeedsUploadForm(FlaskForm):
    set_slug = SelectField("Boundary set")
    file = FileField("Needs CSV (code, need, reason, expires)", validators=[FileRequired()])


class BoundaryUploadForm(FlaskForm):
    set_slug = StringField("Set slug (new or existing)", validators=[DataRequired()])
    set_name = StringField("Set name (new sets)")
    level = StringField("Level (new sets, e.g. ward)")
    parent_set = StringField("Parent set (optional)")
    code_field = StringField("Code field (detected if empty)")
    name_field = StringField("Name field (detected if empty)")
    file = FileField(
        "Boundary file (GeoJSON, TopoJSON, GeoPackage, or a zipped Shapefile)",
        validators=[FileRequired()],
    )
    accept = BooleanField(
        "Load even if most districts look misplaced (at sea, or UK codes outside the UK)"
    )


class SessionForm(FlaskForm):
    set_slug = SelectField("Districts from")
    title = StringField("Title")
    starts = StringField("Starts")
    ends = StringField("Ends")
    lat = StringField("Latitude")
    lon = StringField("Longitude")
    capacity = StringField("Places")
    contact = StringField("Contact (web link, email or phone)")
    accessibility = TextAreaField("Accessibility notes")
    short_walks = BooleanField("Short walks only (suits people who cannot walk far)")


class ReviewForm(FlaskForm):
    decision = SelectField("Decision", choices=["approve", "reject"])
    note = StringField("Note (required to reject)")
