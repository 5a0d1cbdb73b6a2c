"""User accounts (账户), roles and API tokens."""
