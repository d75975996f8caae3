"""The navigation bar: each capability adds its links for the audiences that use them."""

from dataclasses import dataclass

from openmsk.auth.principal import Principal


@dataclass(frozen=True)
class NavLink:
    """A link shown to members, clinicians (optionally one role), admins or program admins."""

    label: str
    href: str
    audience: str
    role: str | None = None
    order: int = 50


_LINKS: list[NavLink] = []


def add_nav_link(label: str, href: str, audience: str, *, role: str | None = None, order: int = 50) -> None:
    """Register a link once (repeated imports do not duplicate it)."""
    link = NavLink(label, href, audience, role, order)
    if link not in _LINKS:
        _LINKS.append(link)


def _shown(link: NavLink, principal: Principal) -> bool:
    if link.audience == "member":
        return principal.is_member
    if link.audience == "clinician":
        return principal.is_clinician and (link.role is None or link.role in principal.roles)
    if link.audience == "admin":
        return principal.is_admin
    if link.audience == "program_admin":
        return principal.is_program_admin or principal.is_admin
    return False


def nav_links(principal: Principal | None) -> list[NavLink]:
    """The links for this principal, in order."""
    if principal is None:
        return []
    return sorted((link for link in _LINKS if _shown(link, principal)), key=lambda link: (link.order, link.label))


add_nav_link("My members", "/console", "clinician", order=10)
add_nav_link("My program", "/me", "member", order=10)
add_nav_link("Accounts", "/admin/users", "admin", order=10)
add_nav_link("Audit log", "/admin/audit", "admin", order=20)
add_nav_link("Reports", "/reports", "program_admin", order=10)


@dataclass(frozen=True)
class ChartLink:
    """A section of the clinician's member chart; `path` may contain {member_id}."""

    label: str
    path: str
    order: int = 50

    def href(self, member_id: str) -> str:
        """The section's URL for one member."""
        return self.path.replace("{member_id}", member_id)


_CHART: list[ChartLink] = []


def add_chart_link(label: str, path: str, *, order: int = 50) -> None:
    """Register a chart section once; a bare suffix ("intake") means /console/members/{member_id}/intake."""
    if not path.startswith("/"):
        path = "/console/members/{member_id}/" + path.strip("/")
    link = ChartLink(label, path, order)
    if link not in _CHART:
        _CHART.append(link)


def chart_links() -> list[ChartLink]:
    """The chart sections, in order."""
    return sorted(_CHART, key=lambda link: (link.order, link.label))


_HOME_GATES: list = []


def add_member_home_gate(gate) -> None:
    """Register `gate(session, principal) -> str | None`: a page a member must see before their home."""
    if gate not in _HOME_GATES:
        _HOME_GATES.append(gate)


def member_home_gate(session, principal: Principal) -> str | None:
    """The first page a gate sends the member to, if any (e.g. the unanswered intake)."""
    for gate in _HOME_GATES:
        if target := gate(session, principal):
            return target
    return None
