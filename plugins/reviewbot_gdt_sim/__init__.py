"""The built-in `gdt-sim` plugin: a model of Xen's GDT handling across context switches.

(Hooks are added as the plugin grows.)
"""

from __future__ import annotations

#: The plugin's entry-point name.
NAME = "gdt-sim"
