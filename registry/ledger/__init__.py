"""The gate ledger's integrity (台账防篡改): each day's rows per firm hashed into a chain whose every link
includes the previous one's digest, sealed once the day is over; a changed, deleted or inserted row
breaks the day's digest, and a changed digest breaks every later link."""
