"""Whether a scan fits the model the explorer or the export opened: the same file, its layers, its input."""

from __future__ import annotations

from actviz_tui.core.scan.report import ScanResult


def scan_warnings(scan: ScanResult, model, model_sha256: str | None) -> list[str]:
    """One line per way ``scan`` does not fit ``model`` (none: it fits). ``model_sha256``:
    the opened model file's (None: not known, not compared)."""
    warnings = []
    settings = scan.settings
    if model_sha256 is not None and settings.model_sha256 != model_sha256:
        warnings.append(f"scan {scan.folder.name} was made with another model file ({settings.model_path}); "
                        "its top images may not be this model's")
    missing = missing_layers(scan, model)
    if missing:
        whole = "none of its layers is" if len(missing) == len(scan.layer_names) else "not every layer is"
        warnings.append(f"scan {scan.folder.name}: {whole} in this model ({', '.join(missing)})")
    if settings.preprocessing != model.options.preprocessing:
        warnings.append(f"scan {scan.folder.name} used --preprocess {settings.preprocessing}, the explorer "
                        f"{model.options.preprocessing}: crops show the explorer's")
    for option, theirs, ours in (("--size", settings.size, model.options.size),
                                 ("--input", settings.image_input, model.options.image_input)):
        if theirs != ours:
            warnings.append(f"scan {scan.folder.name} used {option} {theirs}, the explorer {ours}: "
                            "peaks and crops may not line up")
    if not scan.complete:
        warnings.append(f"scan {scan.folder.name} is not complete: {scan.scanned} images scanned so far")
    return warnings


def missing_layers(scan: ScanResult, model) -> list[str]:
    """The scan's layers the model has no row of that name for."""
    names = {info.name for info in model.layers}
    return [name for name in scan.layer_names if name not in names]


def scanned_rows(scan: ScanResult, model) -> dict[int, str]:
    """Table row -> layer name, for the model's layers the scan has."""
    return {info.index: info.name for info in model.layers if scan.has_layer(info.name)}
