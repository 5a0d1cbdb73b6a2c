"""flask-smorest as this registry uses it: one error shape with every field an error may carry, and
request bodies parsed with the nesting limit (common/jsonio.py)."""

import flask_smorest
import marshmallow as ma

from registry.common.jsonio import ArgumentsParser


class ErrorSchema(ma.Schema):
    """Every error under /api/: {code, status, message, errors} and, where a domain error says more,
    the fields below."""

    code = ma.fields.Integer(metadata={"description": "HTTP status code"})
    status = ma.fields.String(metadata={"description": "HTTP status name"})
    message = ma.fields.String(metadata={"description": "中文，或按 Accept-Language / in the reader's language"})
    errors = ma.fields.Dict(metadata={"description": "errors per location and field: errors.json.<field>"})
    existing_id = ma.fields.Integer(metadata={"description": "409: the row a duplicate collides with"})
    missing_photos = ma.fields.List(ma.fields.String(), metadata={"description": "422: photos still to upload"})
    reasons = ma.fields.List(ma.fields.String(), metadata={"description": "422: why a declaration was refused"})


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ArgumentsParser()
    # "multipart": fields and files of one multipart/form-data body, documented as one request body
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }
