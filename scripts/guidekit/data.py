"""The guide's data files (docs/includes/*.yml), read one way by the hooks
that render them: urgent care, regions, treatments."""
import pathlib

import yaml
from mkdocs.exceptions import PluginError

# libyaml's loader when PyYAML has it (its wheels do): the same safe subset
# of YAML, parsed about ten times faster than the pure-Python loader, which
# took a tenth of a build.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path, what):
    """The YAML at path; a PluginError naming the file and `what` it holds
    when it cannot be read."""
    path = pathlib.Path(path)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    except (OSError, yaml.YAMLError) as err:
        raise PluginError(f"{path}: cannot read {what} ({err}).") from err
