"""Common first names: small NER models miss a lone first name ("Salut Hugo", "Hey Jake").

A capitalised first name from the list is a PERSON where it is used as one: inside a
sentence, after a greeting, or first in a sentence when a comma or a surname follows.
Names that are also months, cities or everyday words are left out of the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sanitize.detect.clients import fold
from sanitize.detect.patterns import Hit

FIRST_NAMES = {
    fold(n)
    for n in """
Adam Adèle Adrien Agathe Agnès Aïcha Alain Albane Alexandre Alexis Alice Aline Amandine Amanda
Amélie Amir Anaïs André Andrea Anne Annie Antoine Anthony Arnaud Arthur Aurélie Aurélien Axel
Baptiste Basile Béatrice Benjamin Benoît Bertrand Blanche Brigitte Bruno Camille Capucine
Carla Caroline Catherine Cécile Céline Chantal Charles Charlotte Chloé Christelle Christian
Christine Christophe Clara Claire Clarisse Clément Colette Coralie Corentin Cyril Damien
Daniel Danielle David Delphine Denis Diane Didier Dominique Dorian Edouard Élise Élodie
Emilie Émilie Emma Emmanuelle Eric Éric Estelle Ethan Étienne Eva Fabien Fabrice Fanny Fatima
Fatou Florian Franck François Françoise Gabriel Gaël Gaëlle Gaspard Geneviève Georges Gérard
Gilles Grégoire Guillaume Hélène Henri Hervé Hugo Hugues Inès Irène Isabelle Jacques Jade
Jean Jeanne Jérémy Jérôme Joël Johanna Jonathan Joseph Josiane Judith Jules Julia Julie
Julien Juliette Justine Karim Karine Kevin Laetitia Laura Laure Laurence Laurent Léa Léna
Léo Léon Léonie Lina Lisa Loïc Louis Louise Luc Lucas Lucie Ludovic Lydie Madeleine Maël
Maëlle Malik Manon Marc Marcel Margaux Margot Marie Marine Marion Martine Mathieu Mathilde
Matthieu Maxime Mélanie Michel Michèle Mickaël Mohamed Monique Morgane Nadia Nathalie Nathan
Nicolas Nina Noah Noémie Océane Olivier Pascal Pascale Patrice Patrick Pauline Philippe
Pierre Quentin Raphaël Rémi Renaud Richard Robert Romain Sabine Samia Samuel Sandrine Sarah
Sébastien Séverine Simon Sofia Sophie Stéphane Stéphanie Suzanne Sylvain Sylvie Théo
Thibault Thierry Thomas Timothée Tristan Valentin Valérie Vanessa Véronique Vincent Virginie
Xavier Yann Yannick Yasmine Yves Zoé Zoe Aaron Abigail Alan Albert Alexander Alex Alicia Amy
Andrew Angela Ann Anna Ashley Barbara Ben Beth Betty Brandon Brian Caleb Carl Carol Chris
Christopher Cynthia Dan Dave Deborah Dennis Derek Diana Donna Dylan Edward Eleanor Elizabeth
Ellie Emily Eric Erica Evan Frank Gary George Gina Greg Hannah Harry Heather Helen Henry Ian
Isaac Jacob Jake James Jamie Jane Janet Jason Jeff Jennifer Jenny Jeremy Jerome Jessica Joe
John Jon Jonathan Jordan Josh Joshua Joyce Justin Karen Kate Katie Keith Kelly Ken Kevin Kim
Kyle Laura Lauren Leah Liam Linda Lisa Liz Lucy Luke Maria Marie Martin Mary Matt Matthew
Megan Melissa Michael Michelle Mike Molly Nancy Natalie Nathan Nick Noah Oliver Olivia Owen
Patricia Paul Peter Priya Rachel Rebecca Ryan Sam Samantha Sandra Sara Sarah Scott Sean
Sharon Simon Sophie Stephanie Steve Steven Susan Thomas Tim Timothy Tom Tony Tyler Victoria
Vincent Walter William Zach Ahmed Ali Ana Carlos Chen Diego Elena Fatma Giulia Hiroshi Ivan
Javier Jose José Juan Kenji Lucia Luis Mateo Mehdi Mohammed Omar Pablo Rania Raj Sofía Wei
Yuki Youssef Zara Ines Leila Leïla Noor Aiden Elliot Riley Logan Mason Harper Ava Isla Freya
""".split()
}
GREETING = re.compile(
    r"(?:bonjour|bonsoir|salut|coucou|merci|cher|chère|hello|hi|hey|dear|thanks|thank you|bises|"
    r"cheers|best|love|à|de la part de|signed|signé)[\s,]*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\b[A-ZÀ-Ý][\w'’-]+\b")
_SURNAME = re.compile(r"[ \t]+([A-ZÀ-Ý][a-zà-ÿ'’-]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?)\b")


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"«“'(")
    return not before or before[-1] in ".!?\n:;"


def first_names(text: str) -> Iterator[Hit]:
    for match in _WORD.finditer(text):
        word = match.group().split("'")[0].split("’")[0]
        if fold(word) not in FIRST_NAMES:
            continue
        start, end = match.start(), match.start() + len(word)
        surname = _SURNAME.match(text, end)
        if surname:
            end = surname.end()
        greeted = bool(GREETING.search(text[max(0, start - 24) : start]))
        follows = text[end : end + 1] in (",", "") or surname is not None
        if _sentence_start(text, start) and not greeted and not follows:
            continue  # "Mark the date" or a heading: not enough to call it a name
        yield Hit("PERSON", start, end, 0.7)


def retype(text: str, hit: Hit) -> Hit:
    """A "place" that starts with a known first name is a person ("Léa Garnier")."""
    words = text[hit.start : hit.end].split()
    if hit.type == "LOCATION" and len(words) <= 2 and words and fold(words[0]) in FIRST_NAMES:
        return Hit("PERSON", hit.start, hit.end, hit.score)
    return hit
