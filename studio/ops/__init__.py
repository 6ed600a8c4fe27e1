"""Operations of an install: metrics, backup and restore, retention, erasure of personal data.

Each module is one concept; `ops_cli` holds what the `studio backup`, `restore`, `retention` and
`erase` commands do. See docs/operations.md.
"""
