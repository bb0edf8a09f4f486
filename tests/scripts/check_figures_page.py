#!/usr/bin/env python3
"""Checks OUT/index.html of `neuroncert figures` without a browser: every src and href points to a
file or folder that exists (relative links only, nothing on the network), every #anchor to an id on
the page, the page has no script, and its images are exactly the SVGs of the figures that
figures.json lists. Prints one line per problem and exits 1 if there is any.
Usage: check_figures_page.py OUT"""
import json
import os
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.images, self.ids, self.tags = [], [], set(), set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "img":
            self.images.append(a.get("src") or "")
        for key in ("src", "href"):
            if a.get(key) is not None:
                self.links.append((tag, key, a[key]))


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    page = Page()
    with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
        page.feed(f.read())
    problems = []
    for tag, key, value in page.links:
        parts = urlsplit(value)
        if parts.scheme or parts.netloc:
            problems.append(f"<{tag} {key}={value!r}>: not a relative link")
            continue
        if not parts.path:
            if parts.fragment not in page.ids:
                problems.append(f"<{tag} {key}={value!r}>: no element with id {parts.fragment!r}")
            continue
        target = os.path.join(out, unquote(parts.path))
        if not os.path.exists(target):
            problems.append(f"<{tag} {key}={value!r}>: {target} does not exist")
    for tag in ("script", "iframe", "object", "embed"):
        if tag in page.tags:
            problems.append(f"the page has a <{tag}>")
    with open(os.path.join(out, "figures.json"), encoding="utf-8") as f:
        index = json.load(f)
    expected = sorted(fig["svg"] for fig in index["figures"])
    if sorted(page.images) != expected:
        problems.append(f"the page's images {sorted(page.images)} are not the figures of figures.json {expected}")
    for p in problems:
        print(f"check_figures_page: {p}")
    if problems:
        return 1
    print(f"check_figures_page: {len(page.images)} images and {len(page.links)} links, all present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
