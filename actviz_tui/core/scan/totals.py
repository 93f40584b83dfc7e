"""The numbers a scan keeps per (layer, channel), updated batch by batch and merged shard by shard.

Per channel: the k best images (score, image index, peak position), the sum of the
per-image spatial means, the largest value seen, and how many images made it > 0.
``merge`` is associative and commutative, and the top-k order is total (score, best
first, then image index: the position in the image list, sorted by path, part by part),
so shards merged in any order give exactly the single run's top images, maxima and
active counts; mean sums agree to float64 rounding (summed in another order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SCORES = ("max", "mean")
NO_IMAGE = -1  # an empty top-k slot (fewer images than k)
_LAST = np.iinfo(np.int64).max  # empty slots sort after every image


@dataclass
class LayerTotals:
    name: str
    has_maps: bool  # False: a Dense-like layer, positions are meaningless
    top_score: np.ndarray  # (C, k) float32, best first; -inf in empty slots
    top_image: np.ndarray  # (C, k) int64 image index; NO_IMAGE in empty slots
    top_y: np.ndarray  # (C, k) int32 peak row in map coordinates
    top_x: np.ndarray  # (C, k) int32 peak column
    mean_sum: np.ndarray  # (C,) float64: sum over images of the channel's spatial mean
    maximum: np.ndarray  # (C,) float32: the largest value on any image (-inf before the first)
    active: np.ndarray  # (C,) int64: images where the channel is > 0 somewhere

    @classmethod
    def empty(cls, name: str, channels: int, k: int, has_maps: bool) -> "LayerTotals":
        return cls(
            name, has_maps,
            np.full((channels, k), -np.inf, np.float32), np.full((channels, k), NO_IMAGE, np.int64),
            np.zeros((channels, k), np.int32), np.zeros((channels, k), np.int32),
            np.zeros(channels, np.float64), np.full(channels, -np.inf, np.float32), np.zeros(channels, np.int64),
        )

    @classmethod
    def of_batch(cls, name: str, has_maps: bool, k: int, images: np.ndarray, reduced, by: str) -> "LayerTotals":
        """The totals of one batch alone (``reduced``: its ChannelReductions), at most k images per channel."""
        totals = cls.empty(name, reduced.maximum.shape[1], k, has_maps)
        totals.add_batch(images, reduced.maximum, reduced.position, reduced.mean, reduced.positive, by)
        return totals

    @property
    def channels(self) -> int:
        return self.top_score.shape[0]

    @property
    def k(self) -> int:
        return self.top_score.shape[1]

    def add_batch(self, images: np.ndarray, maximum: np.ndarray, position: np.ndarray,
                  mean: np.ndarray, positive: np.ndarray, by: str) -> None:
        """Fold in a batch: ``images`` (B,) indices; the rest as ChannelReductions gives them, (B, C)."""
        maximum = np.asarray(maximum, np.float32)
        mean = np.asarray(mean, np.float32)
        score = _comparable(maximum if by == "max" else mean)
        batch_images = np.broadcast_to(np.asarray(images, np.int64)[None, :], score.T.shape)
        self._keep_best(score.T, batch_images, position[..., 0].T, position[..., 1].T)
        for row in mean.astype(np.float64):  # one image at a time: the sum's order is the images' order
            self.mean_sum += row
        self.maximum = np.fmax(self.maximum, np.nanmax(maximum, axis=0, initial=-np.inf))
        self.active += (np.asarray(positive) > 0).sum(axis=0)

    def merge(self, other: "LayerTotals") -> None:
        """Fold in another part's totals (another shard, another Ray actor)."""
        if (other.name, other.channels, other.k) != (self.name, self.channels, self.k):
            raise ValueError(f"cannot merge layer {other.name!r} ({other.channels}x{other.k}) "
                             f"into {self.name!r} ({self.channels}x{self.k})")
        self._keep_best(other.top_score, other.top_image, other.top_y, other.top_x)
        self.mean_sum += other.mean_sum
        self.maximum = np.fmax(self.maximum, other.maximum)
        self.active += other.active

    def _keep_best(self, score, images, ys, xs) -> None:
        score = np.concatenate([self.top_score, score], axis=1)
        images = np.concatenate([self.top_image, images], axis=1)
        ys = np.concatenate([self.top_y, np.asarray(ys, np.int32)], axis=1)
        xs = np.concatenate([self.top_x, np.asarray(xs, np.int32)], axis=1)
        order = np.lexsort((np.where(images == NO_IMAGE, _LAST, images), -score.astype(np.float64)), axis=1)
        order = order[:, : self.k]
        self.top_score = np.take_along_axis(score, order, 1)
        self.top_image = np.take_along_axis(images, order, 1)
        self.top_y = np.take_along_axis(ys, order, 1)
        self.top_x = np.take_along_axis(xs, order, 1)


def _comparable(score: np.ndarray) -> np.ndarray:
    """NaN scores rank last (a broken map never tops a channel)."""
    return np.where(np.isnan(score), -np.inf, score).astype(np.float32)


@dataclass
class ScanTotals:
    """All layers of one scan (or one part of it), and which images it has accounted for."""

    layers: list[LayerTotals]
    done: np.ndarray  # (images,) bool over the whole sorted image list: scanned or skipped
    skipped: dict[int, str]  # image index -> why it could not be read

    @classmethod
    def empty(cls, shapes: list[tuple[str, int, bool]], k: int, images: int) -> "ScanTotals":
        """``shapes``: (layer name, channels, has_maps) per scanned layer."""
        return cls([LayerTotals.empty(name, channels, k, maps) for name, channels, maps in shapes],
                   np.zeros(images, bool), {})

    @property
    def scanned(self) -> int:
        """Images that went through the model (done and not skipped)."""
        return int(self.done.sum()) - len(self.skipped)

    def add_batch(self, images: np.ndarray, reductions: list, by: str) -> None:
        """``reductions``: one ChannelReductions per layer, in this scan's layer order."""
        for layer, reduced in zip(self.layers, reductions, strict=True):
            layer.add_batch(images, reduced.maximum, reduced.position, reduced.mean, reduced.positive, by)
        self.done[np.asarray(images, np.int64)] = True

    def skipped_list(self, images: list[str]) -> list[dict]:
        """[{"image": path, "reason": why}] in image order, as the manifest and ``scan show`` list them."""
        return [{"image": images[index], "reason": reason} for index, reason in sorted(self.skipped.items())]

    def add_skipped(self, image: int, reason: str) -> None:
        self.skipped[int(image)] = reason
        self.done[image] = True

    def merge(self, other: "ScanTotals") -> None:
        """Fold in another part covering other images (a shard)."""
        self.add_part(other.layers, np.flatnonzero(other.done), other.skipped)

    def add_part(self, layers: list[LayerTotals], images: np.ndarray, skipped: dict[int, str]) -> None:
        """Fold in totals over ``images`` (indices; the skipped ones among them listed in ``skipped``):
        what a Ray actor returns for a batch, or another shard."""
        images = np.asarray(images, np.int64)
        overlap = images[self.done[images]]
        if overlap.size:
            raise ValueError(f"the parts overlap: {overlap.size} image(s) are in both (first: #{overlap[0]})")
        for mine, theirs in zip(self.layers, layers, strict=True):
            mine.merge(theirs)
        self.done[images] = True
        self.skipped.update(skipped)
