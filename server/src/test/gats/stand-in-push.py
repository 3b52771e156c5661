#!/usr/bin/env python3
"""Pushes layer tarballs as a Docker schema 2 image to a plain-HTTP registry on loopback.

usage: stand-in-push.py HOST:PORT REPO TAG ENV_FILE LAYER.tar [LAYER.tar ...]

ENV_FILE holds the image config's Env, one VAR=value a line. Layers are given bottom first and
gzipped here; blobs the registry already has are not sent again. Only for the stand-in images
of stand-in-images.sh: the registry must be on loopback (nothing is ever sent elsewhere).
"""
import gzip
import hashlib
import json
import sys
import urllib.parse
import urllib.request

MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


def call(method, url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    return urllib.request.urlopen(request)


def main(registry, repo, tag, env_file, *layer_paths):
    host = registry.rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost", "[::1]"):
        sys.exit(f"refusing to push to {registry}: stand-ins go to a loopback registry only")
    base = f"http://{registry}/v2/{repo}"

    def push_blob(data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        try:
            call("HEAD", f"{base}/blobs/{digest}")
            return digest, len(data)
        except urllib.error.HTTPError as e:
            if e.code != 404:
                raise
        location = call("POST", f"{base}/blobs/uploads/").headers["Location"]
        location = urllib.parse.urljoin(f"http://{registry}/", location)
        separator = "&" if "?" in location else "?"
        call("PUT", f"{location}{separator}digest={digest}", data,
             {"Content-Type": "application/octet-stream"})
        return digest, len(data)

    layers, diff_ids = [], []
    for path in layer_paths:
        with open(path, "rb") as f:
            raw = f.read()
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        layers.append(push_blob(gzip.compress(raw, mtime=0)))
    with open(env_file) as f:
        env = [line.rstrip("\n") for line in f if line.strip()]
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Env": env, "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }, sort_keys=True).encode()
    config_digest, config_size = push_blob(config)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": MANIFEST,
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "size": config_size, "digest": config_digest},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": size, "digest": digest} for digest, size in layers],
    }).encode()
    call("PUT", f"{base}/manifests/{tag}", manifest, {"Content-Type": MANIFEST})
    print(f"  {repo}:{tag}: {len(layers)} layer(s), {sum(s for _, s in layers)} bytes gzipped")


if __name__ == "__main__":
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
