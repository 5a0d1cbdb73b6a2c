"""Field types shared by the feature schemas, with messages in Chinese first, then English.

Field messages are fixed when a schema class is built, so they carry both languages;
the top-level `message` of an error is chosen per request (see common/errors.py).
"""

from datetime import UTC, date, datetime

import marshmallow as ma

from registry.common.text import text_problem

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


class _Length(ma.validate.Length):
    """A length, with a message a person understands: an empty required field is "必填", not a range."""

    def __call__(self, value):
        if self.min and len(value) == 0:
            raise ma.ValidationError("必填，不能为空 / Required: may not be empty.")
        return super().__call__(value)


def length(max_length: int, min_length: int = 0) -> ma.validate.Length:
    if min_length == 0:
        error = f"最多 {max_length} 个字符 / At most {max_length} characters."
    else:
        error = f"长度应在 {min_length} 到 {max_length} 之间 / Length must be between {min_length} and {max_length}."
    return _Length(min=min_length, max=max_length, error=error)


def at_least(low, high=None) -> ma.validate.Range:
    bound = f"在 {low} 到 {high} 之间" if high is not None else f"不小于 {low}"
    bound_en = f"between {low} and {high}" if high is not None else f"at least {low}"
    return ma.validate.Range(min=low, max=high, error=f"应{bound} / Must be {bound_en}.")


class Text(ma.fields.String):
    """Every text input (API bodies and filters, page forms, gate events, vendor formats, CSV rows):
    control characters, bidirectional controls and unencodable characters are refused with the
    position of the first one; tab and line breaks only where `multiline` allows them (notes)."""

    def __init__(self, *args, multiline: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.multiline = multiline

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text, self.multiline)
        if problem:
            zh, en = problem
            raise ma.ValidationError(f"{zh} / Text {en}.")
        return text


def required_text(max_length: int, **kwargs) -> Text:
    """A required, non-empty string of at most `max_length` characters."""
    return Text(required=True, validate=length(max_length, 1), **kwargs)


def optional_text(max_length: int, **kwargs) -> Text:
    return Text(allow_none=True, validate=length(max_length), **kwargs)


MAX_DB_ID = 2**31 - 1  # ids are the databases' 4-byte integers


def db_id(**kwargs) -> ma.fields.Integer:
    """An id of a stored row, in a body or a filter: a positive integer the database can hold."""
    return ma.fields.Integer(validate=at_least(1, MAX_DB_ID), **kwargs)


EARLIEST_DAY, LATEST_DAY = date(1950, 1, 1), date(2099, 12, 31)
EARLIEST_MOMENT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(2100, 1, 1, tzinfo=UTC)


class Day(ma.fields.Date):
    """A calendar date within the years this registry deals in (1950-2099)."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise ma.ValidationError(
                f"日期应在 {EARLIEST_DAY} 到 {LATEST_DAY} 之间"
                f" / The date must be between {EARLIEST_DAY} and {LATEST_DAY}."
            )
        return day


class Moment(ma.fields.AwareDateTime):
    """A moment with a UTC offset, between 1970 and 2100. `bounded=False` (a camera's clock, which
    the gateway checks against the time of receipt) takes any moment, and one beyond what a UTC time can
    hold (0001-01-01T00:00+08:00) as the earliest or latest moment there is."""

    def __init__(self, *args, bounded: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.bounded = bounded

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            utc = moment.astimezone(UTC)
        except OverflowError:
            utc = None
        if self.bounded and (utc is None or not EARLIEST_MOMENT <= utc < LATEST_MOMENT):
            raise ma.ValidationError("时间应在 1970 年到 2099 年之间 / The time must be between 1970 and 2099 (UTC).")
        if utc is None:
            return (datetime.max if moment.year > 1 else datetime.min).replace(tzinfo=UTC)
        return moment


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


class ThumbnailArgsSchema(ma.Schema):
    """A stored picture, or its thumbnail with `?thumbnail=true`. A photo a person uploaded is sent
    re-encoded without its metadata (EXIF: a phone's GPS position); the bureau gets the file as uploaded
    with `?original=1`."""

    thumbnail = ma.fields.Boolean(load_default=False)
    original = ma.fields.Boolean(load_default=False, metadata={"description": "the file as uploaded (bureau, admin)"})


def one_or_many(key: str):
    """A schema's pre-load hook: a device that sends one object sends a list of one under `key` (a station
    posting what it kept while offline sends the list itself)."""

    @ma.pre_load
    def wrapped(self, data, **_kwargs):
        if isinstance(data, dict) and key not in data:
            return {key: [data]}
        return data

    return wrapped
