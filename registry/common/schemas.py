"""Field types shared by the feature schemas, with messages in Chinese first, then English.

Field messages are fixed when a schema class is built, so they carry both languages;
the top-level `message` of an error is chosen per request (see common/errors.py).
"""

import marshmallow as ma

_FIELD_MESSAGES = {
    ma.fields.Field: {
        "required": "必填字段 / Missing data for required field.",
        "null": "不能为空 / Field may not be null.",
        "validator_failed": "取值无效 / Invalid value.",
    },
    ma.fields.String: {"invalid": "应为字符串 / Not a valid string."},
    ma.fields.Integer: {"invalid": "应为整数 / Not a valid integer."},
    ma.fields.Number: {"invalid": "应为数字 / Not a valid number."},
    ma.fields.Decimal: {"invalid": "应为数字 / Not a valid number."},
    ma.fields.Boolean: {"invalid": "应为 true 或 false / Not a valid boolean."},
    ma.fields.Date: {"invalid": "日期格式应为 YYYY-MM-DD / Not a valid date (YYYY-MM-DD)."},
    ma.fields.AwareDateTime: {
        "invalid": "时间格式应为带时区的 ISO 8601 / Not a valid ISO 8601 datetime.",
        "invalid_awareness": "时间必须带时区偏移，如 +08:00 / The time needs a UTC offset such as +08:00.",
    },
}
for _field, _messages in _FIELD_MESSAGES.items():
    _field.default_error_messages = {**_field.default_error_messages, **_messages}


def length(max_length: int, min_length: int = 0) -> ma.validate.Length:
    return ma.validate.Length(
        min=min_length,
        max=max_length,
        error=f"长度应在 {min_length} 到 {max_length} 之间 / Length must be between {min_length} and {max_length}.",
    )


def at_least(low, high=None) -> ma.validate.Range:
    bound = f"在 {low} 到 {high} 之间" if high is not None else f"不小于 {low}"
    bound_en = f"between {low} and {high}" if high is not None else f"at least {low}"
    return ma.validate.Range(min=low, max=high, error=f"应{bound} / Must be {bound_en}.")


def required_text(max_length: int, **kwargs) -> ma.fields.String:
    """A required, non-empty string of at most `max_length` characters."""
    return ma.fields.String(required=True, validate=length(max_length, 1), **kwargs)


def optional_text(max_length: int, **kwargs) -> ma.fields.String:
    return ma.fields.String(allow_none=True, validate=length(max_length), **kwargs)


def enum_field(enum_cls, **kwargs) -> ma.fields.Enum:
    return ma.fields.Enum(
        enum_cls,
        by_value=True,
        error_messages={"unknown": "必须是以下之一 / Must be one of: {choices}."},
        **kwargs,
    )


class StrictSchema(ma.Schema):
    """Unknown fields are an error, and string values are trimmed before validation."""

    error_messages = {"unknown": "未知字段 / Unknown field.", "type": "应为 JSON 对象 / Invalid input type."}

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _trim(self, data, **_kwargs):
        if isinstance(data, dict):
            return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return data
