"""Who acts on the pack store: a signed-in user, the CLI's operator or the local one-person mode, and their role."""

from __future__ import annotations

import enum
import getpass
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from textlens.store.errors import PermissionDeniedError, StoreError


class Role(enum.IntEnum):
    """What a user may do; each role may do everything the ones below it may."""

    VIEWER = 1
    REVIEWER = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        """The role's name as people read it."""
        return self.name.lower()


# What each role adds, in the words a refusal uses.
ROLE_RIGHTS = {
    Role.VIEWER: "read, present and export packs",
    Role.REVIEWER: "also create packs, add cases, write notes, verdicts and tags, reorder cases and save re-runs",
    Role.ADMIN: "also delete packs, remove cases and import bundles",
}

# Every store action that changes something: the role it needs and how a refusal names it.
ACTIONS: dict[str, tuple[Role, str]] = {
    "create_pack": (Role.REVIEWER, "create packs"),
    "update_pack": (Role.REVIEWER, "rename or re-describe packs"),
    "add_case": (Role.REVIEWER, "add cases"),
    "update_case": (Role.REVIEWER, "change notes, verdicts or tags"),
    "reorder": (Role.REVIEWER, "reorder cases"),
    "remove_case": (Role.ADMIN, "remove cases"),
    "delete_pack": (Role.ADMIN, "delete packs"),
    "import": (Role.ADMIN, "import pack bundles"),
    "end_sessions": (Role.ADMIN, "end other people's sessions"),
}


def login_name() -> str:
    """The login name of whoever runs this process ("" when there is none)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


@dataclass(frozen=True)
class Identity:
    """One user of the store.

    ``name`` is what the store records as author and owner (the email from the identity provider,
    else its subject; the login name for the CLI). When ``verified`` is true the store ignores any
    author or owner a caller passes and records ``name``: a name typed into a request cannot stand in
    for the signed-in user. ``verified`` is false only in the local one-person mode (sign-in off),
    where the Review page's "Your name" field is honoured as today.
    """

    name: str
    role: Role
    verified: bool = True
    display_name: str = ""  # a person's full name, when the identity provider gives one
    via: str = "sign-in"  # "sign-in", "token" (the CLI with a personal token), "cli" or "local"
    # Why this identity may change nothing at all, in words that say how to fix it (e.g. the command line
    # on a team database without a personal token); every refusal then says this.
    blocked: str = ""

    @property
    def shown(self) -> str:
        """The name for people: "Alice Example (alice@example.com)", or just the recorded name."""
        if self.display_name and self.display_name != self.name:
            return f"{self.display_name} ({self.name})"
        return self.name or "(no name)"

    def refusal(self, action: str) -> str | None:
        """Why ``action`` is refused to this user (None when it is allowed)."""
        needed, what = ACTIONS[action]
        if self.blocked:
            return self.blocked
        if self.role >= needed:
            return None
        return (
            f"{self.name or 'This user'} is a {self.role.label} here: to {what} you need the "
            f"{needed.label} role (ask an admin of this server)."
        )

    def allows(self, action: str) -> bool:
        """True when the role permits ``action`` (a key of :data:`ACTIONS`)."""
        return self.refusal(action) is None

    def require(self, action: str) -> None:
        """Raise :class:`PermissionDeniedError` saying why, unless the role permits ``action``."""
        why = self.refusal(action)
        if why is not None:
            raise PermissionDeniedError(why)

    def author(self, given: str | None) -> str:
        """The author to record: this identity's name, or ``given`` in the local mode when one is typed."""
        if not self.verified and given is not None:
            return given
        return self.name


def local_identity(name: str | None = None) -> Identity:
    """The one person of a server without sign-in (on 127.0.0.1): every right, the name they type."""
    return Identity(login_name() if name is None else name, Role.ADMIN, verified=False, via="local")


def cli_identity() -> Identity:
    """Whoever runs the command line on a local (not team) database: their login name, as author whatever
    ``--author`` says, with every right.

    The login name is not proof of anything (``LOGNAME`` is the caller's to set), so on a team database the
    command line acts only as the holder of a personal token (:func:`textlens.store.tokens.cli_identity_for`).
    """
    return Identity(login_name() or "cli", Role.ADMIN, verified=True, via="cli")


def role_named(value: str) -> Role:
    """A role from its name ("viewer", "reviewer", "admin"); a :class:`StoreError` for anything else."""
    if isinstance(value, str) and value.strip().upper() in Role.__members__:
        return Role[value.strip().upper()]
    raise StoreError(f"The role {value!r} must be viewer, reviewer or admin.")


def _names(value: Any, key: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise StoreError(f'The roles setting {key!r} must be a list of texts, e.g. {key} = ["a@example.com"].')
    out = set()
    for item in value:
        if not isinstance(item, str):
            raise StoreError(f"The roles setting {key!r} holds {item!r}, which is not text.")
        out.add(item.strip().casefold())
    return frozenset(out - {""})


def parse_role(value: Any, key: str = "default_role") -> Role | None:
    """A role from its name ("viewer", "reviewer", "admin"), or None for "none"."""
    if isinstance(value, str) and value.strip().casefold() == "none":
        return None
    if isinstance(value, str) and value.strip().upper() in Role.__members__:
        return Role[value.strip().upper()]
    raise StoreError(f"The roles setting {key!r} is {value!r}; use viewer, reviewer, admin or none.")


@dataclass(frozen=True)
class RoleConfig:
    """Who gets which role: lists of emails, and/or group names found in one claim of the token.

    The highest role any rule gives wins; a user no rule names gets ``default`` (None: no access).
    """

    admins: frozenset[str] = frozenset()
    reviewers: frozenset[str] = frozenset()
    viewers: frozenset[str] = frozenset()
    claim: str = ""
    admin_groups: frozenset[str] = frozenset()
    reviewer_groups: frozenset[str] = frozenset()
    viewer_groups: frozenset[str] = frozenset()
    default: Role | None = None

    KEYS = (
        "admins",
        "reviewers",
        "viewers",
        "claim",
        "admin_groups",
        "reviewer_groups",
        "viewer_groups",
        "default_role",
    )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> RoleConfig:
        """The ``[textlens.roles]`` table of the server's secrets; a :class:`StoreError` names a bad key."""
        data = dict(data or {})
        unknown = sorted(set(data) - set(cls.KEYS))
        if unknown:
            raise StoreError(
                f"Unknown roles setting {', '.join(map(repr, unknown))}; the known ones are {', '.join(cls.KEYS)}."
            )
        claim = data.get("claim", "")
        if not isinstance(claim, str):
            raise StoreError("The roles setting 'claim' must be the name of one token claim, e.g. \"groups\".")
        return cls(
            admins=_names(data.get("admins"), "admins"),
            reviewers=_names(data.get("reviewers"), "reviewers"),
            viewers=_names(data.get("viewers"), "viewers"),
            claim=claim.strip(),
            admin_groups=_names(data.get("admin_groups"), "admin_groups"),
            reviewer_groups=_names(data.get("reviewer_groups"), "reviewer_groups"),
            viewer_groups=_names(data.get("viewer_groups"), "viewer_groups"),
            default=parse_role(data.get("default_role", "none")),
        )

    def role_for(self, claims: Mapping[str, Any]) -> Role | None:
        """The role of the user whose token carries ``claims`` (None: no rule admits them)."""
        found: list[Role] = []
        email = claims.get("email")
        # An email the provider says it has not verified names nobody.
        if isinstance(email, str) and claims.get("email_verified", True) is not False:
            email = email.strip().casefold()
            for role, names in (
                (Role.ADMIN, self.admins),
                (Role.REVIEWER, self.reviewers),
                (Role.VIEWER, self.viewers),
            ):
                if email in names:
                    found.append(role)
        if self.claim:
            value = claims.get(self.claim)
            groups = {value} if isinstance(value, str) else set(value) if isinstance(value, list | tuple) else set()
            groups = {g.strip().casefold() for g in groups if isinstance(g, str)}
            for role, names in (
                (Role.ADMIN, self.admin_groups),
                (Role.REVIEWER, self.reviewer_groups),
                (Role.VIEWER, self.viewer_groups),
            ):
                if groups & names:
                    found.append(role)
        if found:
            return max(found)
        return self.default


def identity_from_claims(claims: Mapping[str, Any], config: RoleConfig) -> Identity | None:
    """The signed-in user the identity provider's ``claims`` describe, with their role; None without one.

    The recorded name is the email (when the provider has not marked it unverified), else the subject.
    """
    email = claims.get("email")
    usable = isinstance(email, str) and email.strip() and claims.get("email_verified", True) is not False
    name = email.strip() if usable else str(claims.get("sub") or "").strip()
    role = config.role_for(claims)
    if not name or role is None:
        return None
    display = claims.get("name")
    return Identity(name, role, verified=True, display_name=display.strip() if isinstance(display, str) else "")
