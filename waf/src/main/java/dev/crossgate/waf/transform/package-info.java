/** SecLang transformation functions (t:lowercase, t:urlDecodeUni, ...). */
package dev.crossgate.waf.transform;
