"""Divergence per layer (``actviz compare --out``): relative L2 and 1 - CKA along the layers,
the first divergent layer marked."""

from __future__ import annotations

from actviz_tui.core.figures.canvas import new_figure


def divergence_figure(comparison, title: str):
    names = [layer.name for layer in comparison.layers]
    positions = range(len(names))
    fig = new_figure(max(6.0, 0.35 * len(names) + 2.0), 4.0, layout="constrained")
    axes = fig.subplots()
    axes.plot(positions, [layer.relative_l2 for layer in comparison.layers], marker="o", label="relative L2")
    axes.plot(positions, [float("nan") if layer.cka is None else 1.0 - layer.cka for layer in comparison.layers],
              marker="s", label="1 - linear CKA")
    first = comparison.first_divergent
    if first is not None:
        axes.axvline(names.index(first), color="0.5", linestyle=":", label=f"first divergent: {first}")
    axes.set_xticks(list(positions), names, rotation=90, fontsize="small")
    axes.set_yscale("symlog", linthresh=1e-3)  # 1e-5 and 0.8 both readable; 0 stays at the bottom
    axes.set_ylim(bottom=0.0)
    axes.set_ylabel("divergence (0: the same; symlog)")
    axes.legend(fontsize="small")
    fig.suptitle(title)
    return fig
