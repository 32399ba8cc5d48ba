from tests.conftest import sign_in


def test_sign_in_page_renders(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def test_home_after_sign_in(client, create_user):
    user = create_user()
    response = sign_in(client, user)
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert user.name.encode() in page.data
