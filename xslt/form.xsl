<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  form.xsl - what the demand pages share, imported by each of them after
  ../layout.xsl:
    field (the <field> elements of engine/demand_view.c): a labelled input
      with its help, the expected form, the condition that asks for it, and
      its message when refused, tied to it with aria-describedby and
      aria-invalid; radio buttons and boxes in a fieldset with a legend
    error-summary: the list at the top of a refused page, each line a link
      to its field (announced on load: role="alert")
    progress: the progress bar, with the percentage in text too
    demand-head: procedure, reference and state of one demand
  No script: every page works with HTML alone (and under the portal's CSP).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">

  <!-- the title of a page with errors says so first -->
  <xsl:template name="title-prefix">
    <xsl:if test="/page/errors/error">
      <xsl:value-of select="g:msg('demand.errors.title_prefix')"/>
      <xsl:text> </xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template name="error-summary">
    <xsl:if test="/page/errors/error">
      <div class="error-summary flash flash-error" role="alert" tabindex="-1"
           id="error-summary" aria-labelledby="error-summary-title">
        <h2 id="error-summary-title">
          <xsl:choose>
            <xsl:when test="/page/errors/@count = 1"><xsl:value-of select="g:msg('demand.errors.one')"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="g:msg('demand.errors.many', /page/errors/@count)"/></xsl:otherwise>
          </xsl:choose>
        </h2>
        <ul>
          <xsl:for-each select="/page/errors/error">
            <li>
              <a href="{@href}">
                <xsl:value-of select="@label"/>
                <xsl:value-of select="g:msg('punct.colon')"/>
                <xsl:value-of select="g:msg(@key, string(@arg))"/>
              </a>
            </li>
          </xsl:for-each>
        </ul>
      </div>
    </xsl:if>
  </xsl:template>

  <xsl:template name="progress">
    <xsl:param name="value" select="@progress"/>
    <div class="progress-line">
      <span class="progress-text">
        <xsl:value-of select="g:msg('demand.progress')"/>
        <xsl:value-of select="g:msg('punct.colon')"/>
        <xsl:value-of select="$value"/>
        <xsl:value-of select="g:msg('punct.percent')"/>
      </span>
      <xsl:text> </xsl:text>
      <progress max="100" value="{$value}" aria-hidden="true"><xsl:value-of select="concat($value, g:msg('punct.percent'))"/></progress>
    </div>
  </xsl:template>

  <xsl:template name="demand-head">
    <p class="lead">
      <xsl:value-of select="g:msg('demand.reference')"/>
      <xsl:text> </xsl:text>
      <strong><xsl:value-of select="@reference"/></strong>
      <xsl:if test="@entity">
        <xsl:text> – </xsl:text>
        <xsl:value-of select="@entity"/>
      </xsl:if>
    </p>
  </xsl:template>

  <!-- required / optional, after a label -->
  <xsl:template name="required-mark">
    <xsl:choose>
      <xsl:when test="@required = 'yes'">
        <span class="req"><xsl:text> </xsl:text><xsl:value-of select="g:msg('demand.required')"/></span>
      </xsl:when>
      <xsl:when test="@required = 'when'"/>
      <xsl:otherwise>
        <span class="opt"><xsl:text> </xsl:text><xsl:value-of select="g:msg('demand.optional')"/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- the ids of what describes a field, for aria-describedby -->
  <xsl:template name="describedby">
    <xsl:variable name="ids">
      <xsl:if test="@help"><xsl:value-of select="concat(@id, '-help ')"/></xsl:if>
      <xsl:if test="@hint or @input = 'file'"><xsl:value-of select="concat(@id, '-hint ')"/></xsl:if>
      <xsl:if test="condition"><xsl:value-of select="concat(@id, '-cond ')"/></xsl:if>
      <xsl:if test="document"><xsl:value-of select="concat(@id, '-doc ')"/></xsl:if>
      <xsl:if test="@error"><xsl:value-of select="concat(@id, '-error')"/></xsl:if>
    </xsl:variable>
    <xsl:if test="normalize-space($ids) != ''">
      <xsl:attribute name="aria-describedby"><xsl:value-of select="normalize-space($ids)"/></xsl:attribute>
    </xsl:if>
    <xsl:if test="@error">
      <xsl:attribute name="aria-invalid">true</xsl:attribute>
    </xsl:if>
  </xsl:template>

  <xsl:template name="field-notes">
    <xsl:if test="@help">
      <p class="help" id="{@id}-help"><xsl:value-of select="@help"/></p>
    </xsl:if>
    <xsl:if test="@hint">
      <p class="help" id="{@id}-hint"><xsl:value-of select="g:msg(@hint)"/></p>
    </xsl:if>
    <xsl:if test="@input = 'file'">
      <p class="help" id="{@id}-hint">
        <xsl:value-of select="g:msg('demand.hint.file_types', @accept-names)"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="g:msg('demand.hint.file_size', @max-size-mb)"/>
      </p>
    </xsl:if>
    <xsl:for-each select="condition">
      <p class="help" id="{../@id}-cond">
        <xsl:value-of select="g:msg('demand.cond.only_if', @field)"/>
        <xsl:text> </xsl:text>
        <xsl:for-each select="value">
          <xsl:if test="position() > 1"><xsl:text> </xsl:text><xsl:value-of select="g:msg('demand.cond.or')"/><xsl:text> </xsl:text></xsl:if>
          <xsl:value-of select="g:msg('punct.quote.open')"/><xsl:value-of select="@label"/><xsl:value-of select="g:msg('punct.quote.close')"/>
        </xsl:for-each>
        <xsl:text>.</xsl:text>
      </p>
    </xsl:for-each>
    <xsl:for-each select="document">
      <p class="help" id="{../@id}-doc">
        <xsl:value-of select="g:msg('demand.file.current')"/>
        <xsl:text> </xsl:text>
        <a href="/documents/{@id}"><xsl:value-of select="@filename"/></a>
        <xsl:text> (</xsl:text><xsl:value-of select="@size-kb"/><xsl:value-of select="g:msg('unit.kb')"/><xsl:text>). </xsl:text>
        <xsl:value-of select="g:msg('demand.file.replace')"/>
      </p>
    </xsl:for-each>
    <xsl:if test="@error">
      <p class="error-msg" id="{@id}-error">
        <xsl:value-of select="g:msg('demand.error_prefix')"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="g:msg(@error, string(@error-arg))"/>
      </p>
    </xsl:if>
  </xsl:template>

  <xsl:template match="field">
    <div class="field" id="{@id}-field">
      <xsl:if test="@error"><xsl:attribute name="class">field field-error</xsl:attribute></xsl:if>
      <xsl:choose>
        <xsl:when test="@input = 'radio' or @input = 'checkbox'">
          <fieldset id="{@id}">
            <xsl:call-template name="describedby"/>
            <legend>
              <xsl:value-of select="@label"/>
              <xsl:call-template name="required-mark"/>
            </legend>
            <xsl:call-template name="field-notes"/>
            <xsl:for-each select="option">
              <div class="choice">
                <input type="{../@input}" id="{../@id}-{position()}" name="{../@name}" value="{@value}">
                  <xsl:if test="@selected"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
                </input>
                <xsl:text> </xsl:text>
                <label for="{../@id}-{position()}" class="inline"><xsl:value-of select="@label"/></label>
              </div>
            </xsl:for-each>
          </fieldset>
        </xsl:when>
        <xsl:otherwise>
          <label for="{@id}">
            <xsl:value-of select="@label"/>
            <xsl:call-template name="required-mark"/>
          </label>
          <xsl:call-template name="field-notes"/>
          <xsl:choose>
            <xsl:when test="@input = 'textarea'">
              <textarea id="{@id}" name="{@name}" rows="6">
                <xsl:call-template name="describedby"/>
                <xsl:if test="@required = 'yes'"><xsl:attribute name="aria-required">true</xsl:attribute></xsl:if>
                <xsl:value-of select="@value"/>
              </textarea>
            </xsl:when>
            <xsl:when test="@input = 'select'">
              <select id="{@id}" name="{@name}">
                <xsl:call-template name="describedby"/>
                <xsl:if test="@required = 'yes'"><xsl:attribute name="aria-required">true</xsl:attribute></xsl:if>
                <option value=""><xsl:value-of select="g:msg('demand.choose')"/></option>
                <xsl:for-each select="option">
                  <option value="{@value}">
                    <xsl:if test="@selected"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                    <xsl:value-of select="@label"/>
                  </option>
                </xsl:for-each>
              </select>
            </xsl:when>
            <xsl:when test="@input = 'file'">
              <input type="file" id="{@id}" name="{@name}" accept="{@accept}">
                <xsl:call-template name="describedby"/>
                <xsl:if test="@required = 'yes' and not(document)"><xsl:attribute name="aria-required">true</xsl:attribute></xsl:if>
              </input>
              <xsl:if test="wallet-doc">
                <label for="{@id}-wallet"><xsl:value-of select="g:msg('wallet.pick')"/></label>
                <select id="{@id}-wallet" name="wallet-{@name}">
                  <option value=""><xsl:value-of select="g:msg('wallet.pick.none')"/></option>
                  <xsl:for-each select="wallet-doc">
                    <option value="{@id}"><xsl:value-of select="@name"/></option>
                  </xsl:for-each>
                </select>
              </xsl:if>
            </xsl:when>
            <xsl:otherwise>
              <input type="{@input}" id="{@id}" name="{@name}" value="{@value}">
                <xsl:call-template name="describedby"/>
                <xsl:if test="@required = 'yes'"><xsl:attribute name="aria-required">true</xsl:attribute></xsl:if>
                <xsl:if test="@inputmode"><xsl:attribute name="inputmode"><xsl:value-of select="@inputmode"/></xsl:attribute></xsl:if>
                <xsl:if test="@autocomplete"><xsl:attribute name="autocomplete"><xsl:value-of select="@autocomplete"/></xsl:attribute></xsl:if>
                <xsl:if test="@type = 'iban' or @type = 'avs13' or @type = 'ide'"><xsl:attribute name="spellcheck">false</xsl:attribute></xsl:if>
              </input>
            </xsl:otherwise>
          </xsl:choose>
        </xsl:otherwise>
      </xsl:choose>
    </div>
  </xsl:template>

  <!-- a repeating group (engine/demand_group.c): one fieldset, each item a
       fieldset with its legend ("Commune 2"), the add and remove buttons
       are submit buttons (no script needed), the item count goes back as
       PATH.items -->
  <xsl:template match="group">
    <fieldset id="{@id}">
      <xsl:attribute name="class">
        <xsl:text>group</xsl:text>
        <xsl:if test="@depth = '2'"> group-nested</xsl:if>
        <xsl:if test="@error"> field-error</xsl:if>
      </xsl:attribute>
      <xsl:if test="@error or @help">
        <xsl:attribute name="aria-describedby">
          <xsl:if test="@help"><xsl:value-of select="concat(@id, '-help')"/></xsl:if>
          <xsl:if test="@help and @error"><xsl:text> </xsl:text></xsl:if>
          <xsl:if test="@error"><xsl:value-of select="concat(@id, '-error')"/></xsl:if>
        </xsl:attribute>
      </xsl:if>
      <xsl:if test="@error"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
      <legend>
        <xsl:choose>
          <xsl:when test="@title"><xsl:value-of select="@title"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="@label"/></xsl:otherwise>
        </xsl:choose>
      </legend>
      <xsl:if test="@help"><p class="help" id="{@id}-help"><xsl:value-of select="@help"/></p></xsl:if>
      <p class="help">
        <xsl:if test="@min != '0'">
          <xsl:value-of select="g:msg('group.limits.min', @min)"/>
          <xsl:text> </xsl:text>
        </xsl:if>
        <xsl:value-of select="g:msg('group.limits.max', @max)"/>
      </p>
      <xsl:if test="@error">
        <p class="error-msg" id="{@id}-error">
          <xsl:value-of select="g:msg('demand.error_prefix')"/>
          <xsl:text> </xsl:text>
          <xsl:value-of select="g:msg(@error, string(@error-arg))"/>
        </p>
      </xsl:if>
      <input type="hidden" name="{@path}.items" value="{@count}"/>
      <xsl:apply-templates select="item"/>
      <xsl:if test="@can-add">
        <p class="group-add">
          <button type="submit" name="nav" value="add:{@path}" class="secondary" formnovalidate="formnovalidate">
            <xsl:text>+ </xsl:text>
            <xsl:choose>
              <xsl:when test="@add"><xsl:value-of select="@add"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="g:msg('group.add', @label)"/></xsl:otherwise>
            </xsl:choose>
          </button>
        </p>
      </xsl:if>
    </fieldset>
  </xsl:template>

  <xsl:template match="group/item">
    <fieldset class="group-item" id="{@id}">
      <legend><xsl:value-of select="@legend"/></legend>
      <xsl:apply-templates select="field|group|filled"/>
      <xsl:if test="@can-remove">
        <p class="group-remove">
          <button type="submit" name="nav" value="remove:{@path}" class="secondary" formnovalidate="formnovalidate">
            <xsl:value-of select="g:msg('group.remove', @legend)"/>
          </button>
        </p>
      </xsl:if>
    </fieldset>
  </xsl:template>

  <!-- a field a lookup in a register fills: read only, never posted -->
  <xsl:template match="filled">
    <div class="field filled" id="{@id}-field">
      <p>
        <span class="filled-label" id="{@id}-label"><xsl:value-of select="@label"/></span>
        <xsl:value-of select="g:msg('punct.colon')"/>
        <output id="{@id}" aria-labelledby="{@id}-label">
          <xsl:choose>
            <xsl:when test="@value"><xsl:value-of select="@value"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="g:msg('group.filled.pending')"/></xsl:otherwise>
          </xsl:choose>
        </output>
      </p>
    </div>
  </xsl:template>

</xsl:stylesheet>
