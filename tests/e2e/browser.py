"""Steps that many browser tests share."""

from tests.integration.clinic import PASSWORD


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, starting from a fresh cookie jar."""
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
