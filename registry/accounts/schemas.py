"""Users and API tokens JSON."""

import marshmallow as ma

from registry.accounts.models import Role
from registry.common.schemas import StrictSchema, Text, db_id, enum_field, length, optional_text


class TokenSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    user_id = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()
    last_used_at = ma.fields.AwareDateTime(allow_none=True)
    revoked_at = ma.fields.AwareDateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = ma.fields.String(metadata={"description": "shown only in this answer; only its SHA-256 is stored"})


class TokenInputSchema(StrictSchema):
    name = Text(load_default="api", validate=length(100, 1))


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    display_name = ma.fields.String(allow_none=True)
    role = ma.fields.Enum(Role, by_value=True)
    active = ma.fields.Boolean()
    firm_id = ma.fields.Integer(allow_none=True)
    construction_unit_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class UserInputSchema(StrictSchema):
    username = Text(required=True, validate=length(64, 1))
    display_name = optional_text(100)
    role = enum_field(Role, required=True)
    firm_id = db_id(allow_none=True, strict=True)
    construction_unit_id = db_id(allow_none=True, strict=True)
    password = Text(load_only=True, validate=length(200, 10))


class UserUpdateSchema(StrictSchema):
    display_name = optional_text(100)
    active = ma.fields.Boolean()
    role = enum_field(Role)
    firm_id = db_id(allow_none=True, strict=True)
    construction_unit_id = db_id(allow_none=True, strict=True)
    password = Text(load_only=True, validate=length(200, 10))
