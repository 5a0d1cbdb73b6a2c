"""REST: /api/v1/tokens (each user's own API tokens) and /api/v1/users (the administrator's)."""

from flask.views import MethodView
from sqlalchemy import select

from registry.accounts import services
from registry.accounts.auth import current_actor, require_role
from registry.accounts.models import ApiToken, Role, User
from registry.accounts.schemas import (
    NewTokenSchema,
    TokenInputSchema,
    TokenSchema,
    UserInputSchema,
    UserSchema,
    UserUpdateSchema,
)
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.common.services import get_or_404
from registry.extensions import db

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="用户与令牌 Users and API tokens")

EVERYONE = tuple(Role)


@blp.route("/tokens")
class Tokens(MethodView):
    @require_role(*EVERYONE)
    @blp.response(200, TokenSchema(many=True))
    def get(self):
        """Your own API tokens, with when each was last used."""
        actor = current_actor()
        return db.session.scalars(select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id)).all()

    @require_role(*EVERYONE)
    @blp.arguments(TokenInputSchema)
    @blp.response(201, NewTokenSchema)
    def post(self, data):
        """Issue yourself a new token; the token itself appears only in this answer."""
        actor = current_actor()
        token = services.issue_token(actor, actor, data["name"])
        db.session.commit()
        row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == services.hash_secret(token)))
        row.token = token  # for this answer only; never stored
        return row


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@require_role(*EVERYONE)
@blp.response(204)
def revoke_token(token_id):
    """Revoke a token: yours, or anyone's for an administrator. A revoked token stops working at once."""
    actor = current_actor()
    token = db.session.get(ApiToken, token_id)
    services.revoke_token(actor, token, token_id)
    db.session.commit()


@blp.route("/users")
class Users(MethodView):
    @require_role(Role.ADMIN)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_envelope(UserSchema, "UserPage"))
    def get(self, args):
        """Every user."""
        return page_of(select(User).order_by(User.username), args)

    @require_role(Role.ADMIN)
    @blp.arguments(UserInputSchema)
    @blp.response(201, UserSchema)
    def post(self, data):
        """Create a user with one role (firm and construction users name their firm or unit)."""
        password = data.pop("password", None)
        user = services.create_user(current_actor(), **data)
        if password:
            services.set_password(current_actor(), user, password)
        db.session.commit()
        return user


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@require_role(Role.ADMIN)
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
def update_user(data, user_id):
    """Deactivate (`active: false` ends every session and token at once), rename, or reset the password."""
    user = get_or_404(User, user_id, "用户", "user")
    services.update_user(current_actor(), user, data)
    db.session.commit()
    return user
