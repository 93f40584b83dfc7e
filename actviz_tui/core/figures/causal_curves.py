"""RISE's figure: each method's mean deletion and insertion curves, the AUC in the legend."""

from __future__ import annotations

from actviz_tui.core.figures.canvas import new_figure


def causal_curves_figure(evaluation, title: str):
    fig = new_figure(10.0, 4.2, layout="constrained")
    deletion, insertion = fig.subplots(1, 2, sharey=True)
    for scores in evaluation.ranked():
        style = {"linestyle": ":", "color": "0.4"} if scores.method == "random" else {}
        deletion.plot(evaluation.fractions, scores.deletion_curve, label=f"{scores.method} "
                      f"{scores.deletion.mean():.3f}", **style)
        insertion.plot(evaluation.fractions, scores.insertion_curve, label=f"{scores.method} "
                       f"{scores.insertion.mean():.3f}", **style)
    for axes, name, better in ((deletion, "deletion", "lower"), (insertion, "insertion", "higher")):
        axes.set_title(f"{name} (AUC: {better} is better)")
        axes.set_xlabel("share of pixels " + ("removed" if name == "deletion" else "put back"))
        axes.set_xlim(0, 1)
        axes.legend(fontsize="small")
    deletion.set_ylabel("class score (probability)")
    fig.suptitle(title)
    return fig
