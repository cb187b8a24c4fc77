"""The web page is compiled into the binary: / and every file of web/assets
are served with their type, without a login."""

import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}


def test_index_is_served_without_login(serve):
    for path in ("/", "/index.html"):
        a = serve.call("GET", path, token=None)
        assert a.status == 200
        assert a.headers["content-type"].startswith("text/html")
        with open(os.path.join(REPO, "web", "index.html"), "rb") as f:
            assert a.body == f.read(), "rebuild k2td: web/index.html changed since"
        csp = a.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert a.headers["referrer-policy"] == "no-referrer"


def test_every_asset_is_served_as_built(serve):
    assets = os.path.join(REPO, "web", "assets")
    names = sorted(os.listdir(assets)) if os.path.isdir(assets) else []
    for name in names:
        a = serve.call("GET", f"/assets/{name}", token=None)
        assert a.status == 200, name
        ext = os.path.splitext(name)[1]
        if ext in TYPES:
            assert a.headers["content-type"].startswith(TYPES[ext]), name
        assert a.headers["x-content-type-options"] == "nosniff"
        with open(os.path.join(assets, name), "rb") as f:
            assert a.body == f.read(), f"rebuild k2td: web/assets/{name} changed since"


def test_paths_outside_the_page_are_404(serve):
    for path in ("/../etc/passwd", "/assets/../index.html.bak", "/web/index.html",
                 "/assets/", "/index.htm"):
        assert serve.call("GET", path, token=None).status == 404, path
