# cmake -DINPUT=page.html -DOUTPUT=page.cpp -P embed_page.cmake: the page as the string that
# wisp::cli::explorePageTemplate() returns.
file(READ ${INPUT} page)
string(FIND "${page}" ")wisp_page\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string's delimiter )wisp_page\"")
endif()
file(WRITE ${OUTPUT} "// Generated from ${INPUT} by embed_page.cmake.\n"
                     "#include \"explore_page.h\"\n\n"
                     "namespace wisp::cli {\n\n"
                     "std::string_view explorePageTemplate() {\n"
                     "  static constexpr std::string_view kPage = R\"wisp_page(${page})wisp_page\";\n"
                     "  return kPage;\n"
                     "}\n\n"
                     "}  // namespace wisp::cli\n")
