"""Drivers register their own trucks (自助登记): a public phone page reached by a gate's QR code, a
declared vehicle with its document photos awaiting the bureau's review, abuse-resistant without a login."""
