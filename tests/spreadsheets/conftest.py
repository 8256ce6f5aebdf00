import pytest

from tests.cast import PASSWORD


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads (imports, scans) go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def login(client):
    def login_as(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return login_as
