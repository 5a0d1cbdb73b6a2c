"""flask users ...: accounts from the command line."""

import click
from flask.cli import AppGroup

from registry.accounts.models import Role
from registry.accounts.services import create_user, issue_token
from registry.common.errors import DomainError
from registry.extensions import db

users_cli = AppGroup("users", help="用户与令牌 / Users and API tokens.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="角色 / role")
@click.option("--display-name", default=None, help="显示名称 / display name")
def create_command(username, role, display_name):
    """Create a user; the last line printed is a new API token (shown only once)."""
    try:
        user = create_user(None, username, Role(role), display_name)
        token = issue_token(None, user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(
        f"已创建用户 {user.username}（角色 {user.role.value}）/ created user {user.username} (role {user.role.value})"
    )
    click.echo("API 令牌仅显示一次 / the API token below is shown only once:")
    click.echo(token)
