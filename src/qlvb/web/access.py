"""The page access helpers, kept for web's own pages: they live in ``qlvb.directory.access`` so the
pages of the lower apps (directory, signing) use them without importing the web layer."""

from qlvb.directory.access import current_user, forbidden, permission_required

__all__ = ["current_user", "forbidden", "permission_required"]
