"""Whole screens and modal dialogs: the explorer, export, help, prompts."""
