#!/usr/bin/env python3
"""Builds Elbow's images without Docker, from the same Dockerfiles Docker users build.

Each Dockerfile in images/ is read for what it says about the image (WORKDIR, COPY, USER, ENV,
EXPOSE, ENTRYPOINT); its FROM line is replaced by a base layer given here (a Debian root
filesystem with a JRE, made by scripts/images.sh), so the two builds cannot drift apart in
anything but the base. The result is one docker-archive tar holding every image, which
`ctr images import` (and `docker load`) read; the shared base layer is stored once.

Layers are written reproducibly: entries sorted, owner root, modification time 0, so the same
jars give the same digests.

usage: images/build.py OUT.tar BASE_LAYER.tar TAG NAME=Dockerfile... [--raw NAME=FILE:ENTRYPOINT]
  --raw pause=/path/to/pause:/pause   an image of a single static binary (the sandbox image)
"""
import glob
import hashlib
import io
import json
import os
import shlex
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def parse(dockerfile):
    """The instructions of a Dockerfile that build.py honours, in order."""
    lines, joined = [], ""
    for raw in open(dockerfile):
        line = raw.rstrip("\n")
        if not joined and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            joined += line[:-1] + " "
            continue
        lines.append(joined + line)
        joined = ""
    out = []
    for line in lines:
        word, _, rest = line.strip().partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def add_tree(tar, source, target, seen):
    """Adds a file or a directory's files under target, with the parent directories."""
    parts = target.strip("/").split("/")
    for i in range(1, len(parts)):
        add_dir(tar, "/".join(parts[:i]), seen)
    if os.path.isdir(source):
        add_dir(tar, target.strip("/"), seen)
        for name in sorted(os.listdir(source)):
            add_tree(tar, os.path.join(source, name), target.rstrip("/") + "/" + name, seen)
        return
    info = tarfile.TarInfo(target.strip("/"))
    info.size = os.path.getsize(source)
    info.mode = 0o755 if os.access(source, os.X_OK) else 0o644
    info.mtime = 0
    with open(source, "rb") as f:
        tar.addfile(info, f)


def add_dir(tar, name, seen):
    if not name or name in seen:
        return
    seen.add(name)
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = 0o755
    info.mtime = 0
    tar.addfile(info)


def layer(entries):
    """A layer tar (bytes) of (source, target) pairs."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w", format=tarfile.PAX_FORMAT) as tar:
        seen = set()
        for source, target in sorted(entries, key=lambda e: e[1]):
            add_tree(tar, source, target, seen)
    return data.getvalue()


def image_from_dockerfile(dockerfile):
    """The app layer and the config of the image a Dockerfile describes (FROM aside)."""
    workdir, env, user, entry, cmd, ports, entries = "/", {"PATH": PATH}, "", [], None, {}, []
    for word, rest in parse(dockerfile):
        if word == "WORKDIR":
            workdir = os.path.join(workdir, rest)
        elif word == "COPY":
            *sources, dest = shlex.split(rest)
            dest = dest if dest.startswith("/") else os.path.join(workdir, dest)
            for pattern in sources:
                matches = sorted(glob.glob(os.path.join(ROOT, pattern.rstrip("/"))))
                if not matches:
                    sys.exit(f"images/build.py: {dockerfile}: nothing matches {pattern}; build first")
                for match in matches:
                    if os.path.isdir(match) and pattern.endswith("/"):
                        for name in sorted(os.listdir(match)):
                            entries.append((os.path.join(match, name), os.path.join(dest, name)))
                    elif dest.endswith("/"):
                        entries.append((match, os.path.join(dest, os.path.basename(match))))
                    else:
                        entries.append((match, dest))
        elif word == "USER":
            user = rest
        elif word == "ENV":
            key, _, value = rest.partition("=")
            env[key.strip()] = shlex.split(value)[0] if value else ""
        elif word == "EXPOSE":
            for port in rest.split():
                ports[port if "/" in port else port + "/tcp"] = {}
        elif word == "ENTRYPOINT":
            entry = json.loads(rest)
        elif word == "CMD":
            cmd = json.loads(rest)
        elif word not in ("FROM",):
            sys.exit(f"images/build.py: {dockerfile}: {word} is not supported here")
    config = {"Env": [f"{k}={v}" for k, v in env.items()], "Entrypoint": entry,
              "User": user, "WorkingDir": workdir}
    if cmd is not None:
        config["Cmd"] = cmd
    if ports:
        config["ExposedPorts"] = ports
    return layer(entries), config


def main(argv):
    out, base_path, tag, specs = argv[0], argv[1], argv[2], argv[3:]
    images, raw = [], False
    for spec in specs:
        if spec == "--raw":
            raw = True
            continue
        name, _, what = spec.partition("=")
        if raw:
            binary, _, entry = what.partition(":")
            images.append((name, layer([(binary, entry)]), {"Env": [f"PATH={PATH}"],
                           "Entrypoint": [entry], "User": "65535:65535"}, False))
            raw = False
        else:
            app, config = image_from_dockerfile(os.path.join(ROOT, what))
            images.append((name, app, config, True))
    blobs, manifest = {}, []
    base_digest = None
    if any(with_base for *_, with_base in images):
        h = hashlib.sha256()
        with open(base_path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        base_digest = h.hexdigest()
    for name, app, config, with_base in images:
        app_digest = hashlib.sha256(app).hexdigest()
        blobs[f"{app_digest}/layer.tar"] = app
        layers = ([f"{base_digest}/layer.tar"] if with_base else []) + [f"{app_digest}/layer.tar"]
        diff_ids = ([f"sha256:{base_digest}"] if with_base else []) + [f"sha256:{app_digest}"]
        image_config = json.dumps({
            "architecture": "amd64", "os": "linux", "config": config,
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": [{"created_by": f"images/build.py {name}"}],
        }, sort_keys=True).encode()
        config_name = hashlib.sha256(image_config).hexdigest() + ".json"
        blobs[config_name] = image_config
        manifest.append({"Config": config_name, "RepoTags": [f"{name}:{tag}"], "Layers": layers})
    with tarfile.open(out, "w") as tar:
        def put(name, data):
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            tar.addfile(info, io.BytesIO(data))
        if base_digest:
            info = tar.gettarinfo(base_path, arcname=f"{base_digest}/layer.tar")
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            with open(base_path, "rb") as f:
                tar.addfile(info, f)
        for name in sorted(blobs):
            put(name, blobs[name])
        put("manifest.json", json.dumps(manifest, sort_keys=True).encode())
    for entry in manifest:
        print(entry["RepoTags"][0])


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    main(sys.argv[1:])
