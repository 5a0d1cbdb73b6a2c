"""The bureau's sampled inspection of a firm (抽查核验): a reproducible random sample of its gate ledger
for a period, each row checked for completeness and its emission stage against the documents seen,
closed with a result; findings become cases for the firm. HJ 1321-2023 and the MEE 2020 guide as
DOMAIN.md ("Inspection") describes them."""
