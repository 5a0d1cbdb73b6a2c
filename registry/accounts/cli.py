"""flask users ...: accounts from the command line."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from registry.accounts.models import Role, User
from registry.accounts.services import create_user, issue_token, set_password
from registry.common.errors import DomainError
from registry.extensions import db

users_cli = AppGroup("users", help="用户与令牌 / Users and API tokens.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="角色 / role")
@click.option("--display-name", default=None, help="显示名称 / display name")
@click.option("--firm", "firm_id", type=int, default=None, help="企业用户所属企业编号 / the firm of a firm user")
@click.option(
    "--unit", "unit_id", type=int, default=None, help="施工单位用户所属单位编号 / the unit of a construction user"
)
@click.option("--password", is_flag=True, help="同时设置网页登录密码（提示输入）/ also set a page password (prompted)")
def create_command(username, role, display_name, firm_id, unit_id, password):
    """Create a user; the last line printed is a new API token (shown only once)."""
    secret = click.prompt("密码 / password", hide_input=True, confirmation_prompt=True) if password else None
    try:
        user = create_user(None, username, Role(role), display_name, firm_id=firm_id, construction_unit_id=unit_id)
        if secret:
            set_password(None, user, secret)
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


@users_cli.command("set-password")
@click.argument("username")
@click.password_option("--password", prompt="密码 / password", help="新密码 / the new password")
def set_password_command(username, password):
    """Set the password a user logs in to the pages with."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"没有用户 {username} / no user {username}")
    try:
        set_password(None, user, password)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"已设置 {username} 的密码 / password set for {username}")
