"""Whether staggered transport (错峰运输) happened: for an alert, each firm's passes of restricted trucks
and of all trucks per day during the alert against its comparable normal days before it."""
