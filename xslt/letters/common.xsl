<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  common.xsl - the frame every letter shares, typeset by WeasyPrint
  (engine/letters_job.c): an A4 sheet, the sender, the recipient's address
  in the window of the envelope, place and date, reference, subject; the
  letter's own stylesheet gives the subject and the body:

    <xsl:template match="letter" mode="subject">...</xsl:template>
    <xsl:template match="letter" mode="body">...</xsl:template>

  Input: /letter[@template,@lang,@date,@created,@reference,@base]
  with recipient/{name,attention,care_of,street,house_number,post_box,
  postcode,locality,country}, data/*, procedure, state, transition.
  Texts: xslt/i18n/letters.xml.  The CSS is inline and names no URL: the
  typesetter fetches nothing.

  The address window.  Swiss norm SN 010 130, envelope C5 (229 x 162 mm)
  with the window on the right: window 100 x 45 mm, 12 mm from the right
  edge and 65 mm from the bottom of the envelope, so its top-left corner is
  117 mm from the envelope's left edge and 52 mm from its top.  The A4
  sheet folded once (210 x 148.5 mm) lies in it with up to 19 mm of play
  across and 13.5 mm down.  The address block is therefore placed on the
  sheet at 118 mm from the left and 55 mm from the top, 80 mm wide (to
  12 mm from the right edge) and at most 36 mm high (six lines): wherever
  the sheet slides in the envelope, the block stays inside the window.
  These are the figures this frame uses (the 100 x 45 mm window is wider
  than what is left of an A4 sheet at 118 mm: the block is narrower).
  Page margins are 15 mm (top) and 20 mm (sides, bottom); positions below
  are measured from those margins (118 - 20 = 98 mm, 55 - 15 = 40 mm).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:output method="html" encoding="UTF-8" indent="no"
              doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:apply-templates select="letter"/>
  </xsl:template>

  <xsl:template match="letter">
    <html lang="{@lang}">
      <head>
        <meta charset="utf-8"/>
        <title><xsl:apply-templates select="." mode="subject"/></title>
        <style>
@page { size: A4; margin: 15mm 20mm 20mm 20mm; }
html { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 9.5pt;
       line-height: 1.35; color: #000; }
body { margin: 0; }
.sender { position: absolute; left: 0; top: 0; width: 85mm; font-size: 9pt; }
.sender strong { display: block; font-size: 11pt; }
.address { position: absolute; left: 98mm; top: 40mm; width: 80mm; height: 36mm;
           overflow: hidden; font-size: 10.5pt; line-height: 1.3; }
.address p { margin: 0; }
.head { margin-top: 84mm; }
.place { margin: 0 0 0 98mm; }
.ref { margin: 4mm 0 0; font-size: 9pt; }
h1 { font-size: 11pt; margin: 6mm 0 4mm; }
p { margin: 0 0 2.5mm; }
.code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 22pt;
        font-weight: bold; letter-spacing: 1.5mm; margin: 1mm 0 2mm; padding: 2mm 5mm;
        border: 0.4mm solid #000; display: inline-block; }
ol { margin: 0 0 3mm; padding-left: 6mm; }
li { margin-bottom: 1mm; }
.quote { margin: 0 0 3mm 5mm; padding-left: 3mm; border-left: 0.6mm solid #888; white-space: pre-wrap; }
.small { font-size: 8.5pt; }
.closing { margin-top: 5mm; }
        </style>
      </head>
      <body>
        <div class="sender">
          <strong><xsl:value-of select="g:msg('letters.sender.1')"/></strong>
          <xsl:value-of select="g:msg('letters.sender.2')"/><br/>
          <xsl:value-of select="g:msg('letters.sender.3')"/><br/>
          <xsl:value-of select="@base"/>
        </div>
        <div class="address">
          <xsl:apply-templates select="recipient"/>
        </div>
        <div class="head">
          <p class="place">
            <xsl:value-of select="g:msg('letters.date_place')"/>
            <xsl:text> </xsl:text>
            <xsl:call-template name="long-date">
              <xsl:with-param name="iso" select="@date"/>
            </xsl:call-template>
          </p>
          <xsl:if test="@reference">
            <p class="ref">
              <xsl:value-of select="g:msg('letters.reference')"/>
              <xsl:value-of select="g:msg('punct.colon')"/>
              <xsl:value-of select="@reference"/>
            </p>
          </xsl:if>
        </div>
        <h1><xsl:apply-templates select="." mode="subject"/></h1>
        <xsl:apply-templates select="." mode="body"/>
        <p class="closing"><xsl:value-of select="g:msg('letters.closing')"/></p>
        <p><xsl:value-of select="g:msg('letters.signature')"/></p>
      </body>
    </html>
  </xsl:template>

  <!-- The address as the Swiss Post reads it: name, attention, c/o,
       street and number (or post box), postcode and locality; the country
       only abroad. -->
  <xsl:template match="recipient">
    <p><xsl:value-of select="name"/></p>
    <xsl:if test="normalize-space(attention)">
      <p><xsl:value-of select="g:msg('letters.attention')"/><xsl:text> </xsl:text><xsl:value-of select="attention"/></p>
    </xsl:if>
    <xsl:if test="normalize-space(care_of)">
      <p><xsl:value-of select="care_of"/></p>
    </xsl:if>
    <xsl:if test="normalize-space(street)">
      <p>
        <xsl:value-of select="street"/>
        <xsl:if test="normalize-space(house_number)">
          <xsl:text> </xsl:text><xsl:value-of select="house_number"/>
        </xsl:if>
      </p>
    </xsl:if>
    <xsl:if test="normalize-space(post_box)">
      <p><xsl:value-of select="post_box"/></p>
    </xsl:if>
    <p><xsl:value-of select="postcode"/><xsl:text> </xsl:text><xsl:value-of select="locality"/></p>
    <xsl:if test="normalize-space(country) and country != 'CH'">
      <p><xsl:value-of select="country"/></p>
    </xsl:if>
  </xsl:template>

  <!-- YYYY-MM-DD as "30 novembre 2026" (month names: letters.month.N) -->
  <xsl:template name="long-date">
    <xsl:param name="iso"/>
    <xsl:choose>
      <xsl:when test="string-length($iso) &gt;= 10">
        <xsl:value-of select="number(substring($iso, 9, 2))"/>
        <xsl:if test="/letter/@lang = 'de'">.</xsl:if>
        <xsl:text> </xsl:text>
        <xsl:value-of select="g:msg(concat('letters.month.', number(substring($iso, 6, 2))))"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="substring($iso, 1, 4)"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$iso"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
