<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  wallet.xsl - "Mon porte-documents": the active context's documents (name,
  category, size, date; download, rename or recategorise, delete), the
  upload form, and apart the documents received on its demands.
  Input (engine/h_wallet.c): /page/documents/doc, /page/received/doc,
  /page/categories/category, /page/upload (with error children when
  refused), /page/notice.  Texts: xslt/i18n/wallet.xml.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('wallet.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('wallet.title')"/></h1>
    <p class="lead">
      <xsl:choose>
        <xsl:when test="context/@kind = 'entity'">
          <xsl:value-of select="g:msg('wallet.for_entity', context/@name)"/>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="g:msg('wallet.for_self')"/></xsl:otherwise>
      </xsl:choose>
    </p>
    <xsl:apply-templates select="notice"/>
    <xsl:if test="//error">
      <div class="error-summary flash flash-error" role="alert" tabindex="-1" id="error-summary"
           aria-labelledby="error-summary-title">
        <h2 id="error-summary-title"><xsl:value-of select="g:msg('wallet.errors')"/></h2>
        <ul>
          <xsl:for-each select="//error">
            <li>
              <a href="#{concat(../@id, 'up')}-{@field}">
                <xsl:value-of select="g:msg(concat('wallet.label.', @field))"/>
                <xsl:value-of select="g:msg('punct.colon')"/>
                <xsl:value-of select="g:msg(@key, string(@arg))"/>
              </a>
            </li>
          </xsl:for-each>
        </ul>
      </div>
    </xsl:if>

    <section aria-labelledby="docs-title">
      <h2 id="docs-title"><xsl:value-of select="g:msg('wallet.mine')"/></h2>
      <xsl:choose>
        <xsl:when test="documents/doc">
          <ul class="wallet-docs">
            <xsl:apply-templates select="documents/doc" mode="mine"/>
          </ul>
        </xsl:when>
        <xsl:otherwise><p><xsl:value-of select="g:msg('wallet.empty')"/></p></xsl:otherwise>
      </xsl:choose>
    </section>

    <xsl:apply-templates select="upload"/>

    <section aria-labelledby="received-title">
      <h2 id="received-title"><xsl:value-of select="g:msg('wallet.received')"/></h2>
      <p class="help"><xsl:value-of select="g:msg('wallet.received.help')"/></p>
      <xsl:choose>
        <xsl:when test="received/doc">
          <ul class="wallet-docs">
            <xsl:apply-templates select="received/doc" mode="received"/>
          </ul>
        </xsl:when>
        <xsl:otherwise><p><xsl:value-of select="g:msg('wallet.received.none')"/></p></xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <xsl:template match="notice">
    <div role="status">
      <xsl:attribute name="class">
        <xsl:choose>
          <xsl:when test="@error = 'yes'">flash flash-error</xsl:when>
          <xsl:otherwise>flash flash-ok</xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:value-of select="g:msg(@key, string(@arg))"/>
    </div>
  </xsl:template>

  <xsl:template name="facts">
    <xsl:if test="@category != ''">
      <xsl:value-of select="g:msg(concat('wallet.cat.', @category))"/>
      <xsl:text> · </xsl:text>
    </xsl:if>
    <xsl:value-of select="@size-kb"/><xsl:text>&#160;</xsl:text><xsl:value-of select="g:msg('unit.kb')"/>
    <xsl:text> · </xsl:text>
    <xsl:value-of select="g:msg('wallet.added_on', @date)"/>
  </xsl:template>

  <!-- the field's message, the name / category inputs of a form -->
  <xsl:template name="err">
    <xsl:param name="prefix"/>
    <xsl:param name="field"/>
    <xsl:for-each select="error[@field = $field]">
      <p class="error-msg" id="{$prefix}-{$field}-error">
        <xsl:value-of select="g:msg('demand.error_prefix')"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="g:msg(@key, string(@arg))"/>
      </p>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="invalid">
    <xsl:param name="prefix"/>
    <xsl:param name="field"/>
    <xsl:if test="error[@field = $field]">
      <xsl:attribute name="aria-invalid">true</xsl:attribute>
      <xsl:attribute name="aria-describedby"><xsl:value-of select="concat($prefix, '-', $field, '-error')"/></xsl:attribute>
    </xsl:if>
  </xsl:template>

  <xsl:template name="category-select">
    <xsl:param name="prefix"/>
    <xsl:param name="current"/>
    <label for="{$prefix}-category"><xsl:value-of select="g:msg('wallet.label.category')"/></label>
    <xsl:call-template name="err">
      <xsl:with-param name="prefix" select="$prefix"/>
      <xsl:with-param name="field" select="'category'"/>
    </xsl:call-template>
    <select id="{$prefix}-category" name="category">
      <xsl:call-template name="invalid">
        <xsl:with-param name="prefix" select="$prefix"/>
        <xsl:with-param name="field" select="'category'"/>
      </xsl:call-template>
      <xsl:for-each select="/page/categories/category">
        <option value="{@key}">
          <xsl:if test="@key = $current or ($current = '' and @key = 'other')">
            <xsl:attribute name="selected">selected</xsl:attribute>
          </xsl:if>
          <xsl:value-of select="g:msg(concat('wallet.cat.', @key))"/>
        </option>
      </xsl:for-each>
    </select>
  </xsl:template>

  <xsl:template match="doc" mode="mine">
    <xsl:variable name="p" select="concat(@id, 'up')"/>
    <li class="wallet-doc">
      <a href="/documents/{@id}"><xsl:value-of select="@name"/></a>
      <p class="help"><xsl:call-template name="facts"/></p>
      <details>
        <xsl:if test="@open = 'yes'"><xsl:attribute name="open">open</xsl:attribute></xsl:if>
        <summary><xsl:value-of select="g:msg('wallet.edit', @name)"/></summary>
        <form method="post" action="/wallet/{@id}">
          <xsl:call-template name="csrf"/>
          <label for="{$p}-name"><xsl:value-of select="g:msg('wallet.label.name')"/></label>
          <xsl:call-template name="err">
            <xsl:with-param name="prefix" select="$p"/>
            <xsl:with-param name="field" select="'name'"/>
          </xsl:call-template>
          <input type="text" id="{$p}-name" name="name">
            <xsl:attribute name="value">
              <xsl:choose>
                <xsl:when test="@open = 'yes'"><xsl:value-of select="@edit-name"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="@name"/></xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
            <xsl:call-template name="invalid">
              <xsl:with-param name="prefix" select="$p"/>
              <xsl:with-param name="field" select="'name'"/>
            </xsl:call-template>
          </input>
          <xsl:call-template name="category-select">
            <xsl:with-param name="prefix" select="$p"/>
            <xsl:with-param name="current" select="@category"/>
          </xsl:call-template>
          <button type="submit"><xsl:value-of select="g:msg('wallet.save')"/></button>
        </form>
        <form method="post" action="/wallet/{@id}/delete">
          <xsl:call-template name="csrf"/>
          <button type="submit" class="secondary"><xsl:value-of select="g:msg('wallet.delete', @name)"/></button>
        </form>
      </details>
    </li>
  </xsl:template>

  <xsl:template match="doc" mode="received">
    <li class="wallet-doc">
      <a href="/documents/{@id}"><xsl:value-of select="@name"/></a>
      <p class="help">
        <xsl:call-template name="facts"/>
        <xsl:text> · </xsl:text>
        <a href="/demands/{@demand}"><xsl:value-of select="g:msg('wallet.demand', @reference)"/></a>
      </p>
    </li>
  </xsl:template>

  <xsl:template match="upload">
    <section aria-labelledby="upload-title">
      <h2 id="upload-title"><xsl:value-of select="g:msg('wallet.add')"/></h2>
      <form method="post" action="/wallet" enctype="multipart/form-data">
        <xsl:call-template name="csrf"/>
        <label for="up-file"><xsl:value-of select="g:msg('wallet.label.file')"/></label>
        <p class="help" id="up-file-hint">
          <xsl:value-of select="g:msg('wallet.hint.file', @max-size-mb)"/>
        </p>
        <xsl:call-template name="err">
          <xsl:with-param name="prefix" select="'up'"/>
          <xsl:with-param name="field" select="'file'"/>
        </xsl:call-template>
        <input type="file" id="up-file" name="file" accept="application/pdf">
          <xsl:choose>
            <xsl:when test="error[@field = 'file']">
              <xsl:attribute name="aria-invalid">true</xsl:attribute>
              <xsl:attribute name="aria-describedby">up-file-hint up-file-error</xsl:attribute>
            </xsl:when>
            <xsl:otherwise><xsl:attribute name="aria-describedby">up-file-hint</xsl:attribute></xsl:otherwise>
          </xsl:choose>
        </input>
        <label for="up-name"><xsl:value-of select="g:msg('wallet.label.name_optional')"/></label>
        <xsl:call-template name="err">
          <xsl:with-param name="prefix" select="'up'"/>
          <xsl:with-param name="field" select="'name'"/>
        </xsl:call-template>
        <input type="text" id="up-name" name="name" value="{@name}">
          <xsl:call-template name="invalid">
            <xsl:with-param name="prefix" select="'up'"/>
            <xsl:with-param name="field" select="'name'"/>
          </xsl:call-template>
        </input>
        <xsl:call-template name="category-select">
          <xsl:with-param name="prefix" select="'up'"/>
          <xsl:with-param name="current" select="string(@category)"/>
        </xsl:call-template>
        <button type="submit"><xsl:value-of select="g:msg('wallet.upload')"/></button>
      </form>
    </section>
  </xsl:template>
</xsl:stylesheet>
