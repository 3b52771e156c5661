#!/usr/bin/env python3
"""Checks the Greenhouse chart without helm: Chart.yaml and values.yaml parse, every value a
template uses exists, template blocks are balanced, and every MicroProfile Config setting the
cell reads (Settings.java, server.xml variables) is exposed in values.config."""
import pathlib
import re
import sys

import yaml

here = pathlib.Path(__file__).resolve().parent
chart = here / "greenhouse"
repo = here.parent
problems = []

meta = yaml.safe_load((chart / "Chart.yaml").read_text())
for key in ("apiVersion", "name", "version"):
    if key not in meta:
        problems.append(f"Chart.yaml lacks {key}")
if meta.get("apiVersion") != "v2":
    problems.append("Chart.yaml apiVersion must be v2")
values = yaml.safe_load((chart / "values.yaml").read_text())


def lookup(path):
    node = values
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


opens = re.compile(r"\{\{-?\s*(if|range|with|define)\b")
ends = re.compile(r"\{\{-?\s*end\s*-?\}\}")
for template in sorted((chart / "templates").iterdir()):
    text = template.read_text()
    if text.count("{{") != text.count("}}"):
        problems.append(f"{template.name}: unbalanced braces")
    if len(opens.findall(text)) != len(ends.findall(text)):
        problems.append(f"{template.name}: {len(opens.findall(text))} blocks opened, {len(ends.findall(text))} ended")
    for path in re.findall(r"\.Values\.([A-Za-z0-9_.]+)", text):
        if not lookup(path):
            problems.append(f"{template.name}: .Values.{path} is not in values.yaml")
    for key in re.findall(r'index \.Values\.config "([^"]+)"', text):
        if key not in values["config"]:
            problems.append(f"{template.name}: config key {key} is not in values.yaml")
    if template.suffix == ".yaml":
        # Outside template actions the file must be YAML: replace each action by a scalar.
        plain = "\n".join(line for line in re.sub(r"\{\{[^}]*\}\}", "x", text).splitlines()
                          if line.strip() not in ("x", ""))
        try:
            list(yaml.safe_load_all(plain))
        except yaml.YAMLError as e:
            problems.append(f"{template.name}: not YAML once actions are blanked: {e}")

settings = (repo / "src/main/java/io/greenhouse/wiring/Settings.java").read_text()
server = (repo / "src/main/liberty/config/server.xml").read_text()
keys = set(re.findall(r'"(greenhouse\.[a-z0-9.-]+)"', settings))
keys |= set(re.findall(r'<variable name="(greenhouse\.[a-z0-9.-]+)"', server))
for key in sorted(keys - set(values["config"])):
    problems.append(f"setting {key} is not exposed in values.config")

for p in problems:
    print("chart: " + p, file=sys.stderr)
print(f"chart: {len(keys)} settings exposed, {len(problems)} problems")
sys.exit(1 if problems else 0)
