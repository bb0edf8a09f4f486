#pragma once
// The user's own probing set: which image files, in which order, and their concepts.
//   list_image_folder(DIR): the .jpg/.jpeg/.png files (extension case-insensitive; other files are
//     ignored, as torchvision's ImageFolder ignores them) in sorted path order (bytewise, the order of
//     Python's sorted()). If DIR has subfolders it is an ImageFolder: each subfolder is a class (its
//     images searched recursively), the classes sorted by name, and image files at the top level
//     are an error; otherwise it is a flat folder without classes.
//   read_image_list(LIST): one path per line, in that order (blank lines skipped), relative to
//     the list file's folder or absolute; every file must exist and be .jpg/.jpeg/.png.
//   concepts_from_labels(CSV, files): one CSV row per image file, its first column the path
//     (relative to the CSV's folder, or absolute), matched to the files by their canonical path.
//     Every other column is either numeric (0/1 or probabilities in [0, 1]) -> one concept named by
//     the header, or class names -> one-hot, one concept per distinct value in sorted order, named
//     by the value for the first such column and "<header>:<value>" for later ones (as CIFAR-100's
//     fine classes and "coarse:<name>"). A column mixing numbers and names is an error.
// Every problem is a one-line data_error naming the file (and the first few offenders).
// Design: docs/design.md#models-real-activations (models).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "neuroncert/models/cifar.hpp"

namespace neuroncert::models {

struct ImageList {
  std::vector<std::filesystem::path> files;  ///< the paths opened, in run order
  std::vector<std::string> names;            ///< as reported: relative to the folder, or as listed
  std::vector<std::int64_t> classes;         ///< ImageFolder class index per file; empty otherwise
  std::vector<std::string> class_names;      ///< ImageFolder classes (subfolder names), sorted
};

/// `option` names the source in messages ("--images").
ImageList list_image_folder(const std::filesystem::path& dir, const std::string& option = "--images");
ImageList read_image_list(const std::filesystem::path& list_file, const std::string& option = "--files");
/// The same for paths held in memory, relative to `base` (empty: the current folder) or absolute;
/// `where` names the source in messages.
ImageList image_list(const std::vector<std::string>& names, const std::filesystem::path& base, const std::string& where);

/// One-hot concepts of an ImageFolder's classes (uint8 n x |classes|, named by class).
ConceptMatrix class_concepts(const ImageList& list);

/// The concept matrix of `files` (row i for files[i]) from a labels CSV: uint8 when every value is
/// 0 or 1, float32 otherwise. `option` names the source in messages ("--labels").
ConceptMatrix concepts_from_labels(const std::filesystem::path& csv, const std::vector<std::filesystem::path>& files,
                                   const std::string& option = "--labels");

}  // namespace neuroncert::models
